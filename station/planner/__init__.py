"""The site planner (issue #16): fit a day's records, simulate the site, search a slot plan.

``fit.fit_day`` reads one day's events into a ``DayFit`` (arrivals, service times, set-up and the
measured waits); ``sim.simulate`` runs the SimPy model of the site; ``search.search_plan`` proposes
bookings per slot and desks per step for a target wait; ``report`` turns the results into the
user's language and JSON. No Qt here: the admin page runs these in its worker thread.
See docs/planner.md.
"""

STEPS = ("signin", "prescreen", "inject")
