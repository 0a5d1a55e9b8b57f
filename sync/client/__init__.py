"""The station's sync client: the HTTP calls, push and pull rounds, the background worker, `station sync`."""
