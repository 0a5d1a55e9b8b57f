<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AdminPage</name>
    <message>
        <source>Today (Alt+1)</source>
        <translation>Today (Alt+1)</translation>
    </message>
    <message>
        <source>Staff (Alt+2)</source>
        <translation>Staff (Alt+2)</translation>
    </message>
    <message>
        <source>Rules (Alt+3)</source>
        <translation>Rules (Alt+3)</translation>
    </message>
    <message>
        <source>Conflicts (Alt+4)</source>
        <translation>Conflicts (Alt+4)</translation>
    </message>
    <message>
        <source>Sync (Alt+5)</source>
        <translation>Sync (Alt+5)</translation>
    </message>
    <message>
        <source>Stock (Alt+6)</source>
        <translation>Stock (Alt+6)</translation>
    </message>
    <message>
        <source>Import bookings (Alt+7)</source>
        <translation>Import bookings (Alt+7)</translation>
    </message>
    <message>
        <source>Reports (Alt+8)</source>
        <translation>Reports (Alt+8)</translation>
    </message>
    <message>
        <source>Settings (Alt+0)</source>
        <translation>Settings (Alt+0)</translation>
    </message>
    <message>
        <source>Site admin</source>
        <translation>Site admin</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>Sign-in</translation>
    </message>
    <message>
        <source>Pre-screen</source>
        <translation>Pre-screen</translation>
    </message>
    <message>
        <source>Vaccinator</source>
        <translation>Vaccinator</translation>
    </message>
    <message>
        <source>Observation</source>
        <translation>Observation</translation>
    </message>
    <message>
        <source>Booking</source>
        <translation>Booking</translation>
    </message>
    <message>
        <source>Cancellation</source>
        <translation>Cancellation</translation>
    </message>
    <message>
        <source>Injection</source>
        <translation>Injection</translation>
    </message>
    <message>
        <source>Adverse reaction</source>
        <translation>Adverse reaction</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>Release</translation>
    </message>
    <message>
        <source>Staff added</source>
        <translation>Staff added</translation>
    </message>
    <message>
        <source>Call to injection desk</source>
        <translation>Call to injection desk</translation>
    </message>
    <message>
        <source>Absent when called</source>
        <translation>Absent when called</translation>
    </message>
    <message>
        <source>(no reason given)</source>
        <translation>(no reason given)</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Booked</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Signed in</translation>
    </message>
    <message>
        <source>Pre-screened</source>
        <translation>Pre-screened</translation>
    </message>
    <message>
        <source>Turned away</source>
        <translation>Turned away</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>Vaccinated</source>
        <translation>Vaccinated</translation>
    </message>
    <message>
        <source>Released</source>
        <translation>Released</translation>
    </message>
    <message>
        <source>Observing now</source>
        <translation>Observing now</translation>
    </message>
    <message>
        <source>Handed over to hospital</source>
        <translation>Handed over to hospital</translation>
    </message>
    <message>
        <source>Waiting: pre-screen</source>
        <translation>Waiting: pre-screen</translation>
    </message>
    <message>
        <source>Waiting: injection</source>
        <translation>Waiting: injection</translation>
    </message>
    <message>
        <source>Waiting: seat</source>
        <translation>Waiting: seat</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <source>Bookings left</source>
        <translation>Bookings left</translation>
    </message>
    <message>
        <source>Doses left</source>
        <translation>Doses left</translation>
    </message>
    <message>
        <source>Audit trail: who did what…</source>
        <translation>Audit trail: who did what…</translation>
    </message>
    <message>
        <source>Turned away because</source>
        <translation>Turned away because</translation>
    </message>
    <message>
        <source>People</source>
        <translation>People</translation>
    </message>
    <message>
        <source>Turned away: reasons</source>
        <translation>Turned away: reasons</translation>
    </message>
    <message>
        <source>Daily checklist</source>
        <translation>Daily checklist</translation>
    </message>
    <message>
        <source>{item} — {name}, {time}</source>
        <translation>{item} — {name}, {time}</translation>
    </message>
    <message>
        <source>All done</source>
        <translation>All done</translation>
    </message>
    <message>
        <source>{n} not done</source>
        <translation>{n} not done</translation>
    </message>
    <message>
        <source>Today, {day}</source>
        <translation>Today, {day}</translation>
    </message>
    <message>
        <source>Staff id</source>
        <translation>Staff id</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Roles</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Disable / enable selected (F3)</source>
        <translation>Disable / enable selected (F3)</translation>
    </message>
    <message>
        <source>Add staff</source>
        <translation>Add staff</translation>
    </message>
    <message>
        <source>letters and digits, e.g. lg03</source>
        <translation>letters and digits, e.g. lg03</translation>
    </message>
    <message>
        <source>Add staff (F2)</source>
        <translation>Add staff (F2)</translation>
    </message>
    <message>
        <source>PIN (4-12 digits)</source>
        <translation>PIN (4-12 digits)</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>PIN again</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>The two PINs differ: type the PIN again</source>
        <translation>The two PINs differ: type the PIN again</translation>
    </message>
    <message>
        <source>{name} ({id}) added: they can log in with their PIN now</source>
        <translation>{name} ({id}) added: they can log in with their PIN now</translation>
    </message>
    <message>
        <source>Choose a staff member in the table first</source>
        <translation>Choose a staff member in the table first</translation>
    </message>
    <message>
        <source>You cannot disable yourself while logged in</source>
        <translation>You cannot disable yourself while logged in</translation>
    </message>
    <message>
        <source>{name} ({id}) enabled: they can log in again</source>
        <translation>{name} ({id}) enabled: they can log in again</translation>
    </message>
    <message>
        <source>{name} ({id}) disabled: they can no longer log in</source>
        <translation>{name} ({id}) disabled: they can no longer log in</translation>
    </message>
    <message>
        <source>Observation after the injection: {minutes} minutes ({allergy} minutes with an allergy history). Fever from {fever} °C.</source>
        <translation>Observation after the injection: {minutes} minutes ({allergy} minutes with an allergy history). Fever from {fever} °C.</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>Vaccine</translation>
    </message>
    <message>
        <source>Ages</source>
        <translation>Ages</translation>
    </message>
    <message>
        <source>Doses and intervals</source>
        <translation>Doses and intervals</translation>
    </message>
    <message>
        <source>Booster</source>
        <translation>Booster</translation>
    </message>
    <message>
        <source>{low} and over</source>
        <translation>{low} and over</translation>
    </message>
    <message>
        <source>{low} to {high}</source>
        <translation>{low} to {high}</translation>
    </message>
    <message>
        <source>Doses in the series: {n}, {ml} ml each</source>
        <translation>Doses in the series: {n}, {ml} ml each</translation>
    </message>
    <message>
        <source>dose {n}: {low} to {high} days after dose {prev}</source>
        <translation>dose {n}: {low} to {high} days after dose {prev}</translation>
    </message>
    <message>
        <source>dose {n}: from {low} days after dose {prev}</source>
        <translation>dose {n}: from {low} days after dose {prev}</translation>
    </message>
    <message>
        <source>after a series of {primaries}: from {days} days</source>
        <translation>after a series of {primaries}: from {days} days</translation>
    </message>
    <message>
        <source>not as a booster</source>
        <translation>not as a booster</translation>
    </message>
    <message>
        <source>Pre-screen question</source>
        <translation>Pre-screen question</translation>
    </message>
    <message>
        <source>A yes (or fever) means</source>
        <translation>A yes (or fever) means</translation>
    </message>
    <message>
        <source>may be vaccinated</source>
        <translation>may be vaccinated</translation>
    </message>
    <message>
        <source>note: {note}</source>
        <translation>note: {note}</translation>
    </message>
    <message>
        <source>defer (come back later)</source>
        <translation>defer (come back later)</translation>
    </message>
    <message>
        <source>refuse (contraindication)</source>
        <translation>refuse (contraindication)</translation>
    </message>
    <message>
        <source>When</source>
        <translation>When</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>From laptop</source>
        <translation>From laptop</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>What was decided (required), then Enter</source>
        <translation>What was decided (required), then Enter</translation>
    </message>
    <message>
        <source>Resolve (F4)</source>
        <translation>Resolve (F4)</translation>
    </message>
    <message>
        <source>Records from two laptops that contradict each other. Both are kept; check with the desks, then write down what was decided.</source>
        <translation>Records from two laptops that contradict each other. Both are kept; check with the desks, then write down what was decided.</translation>
    </message>
    <message>
        <source>This record</source>
        <translation>This record</translation>
    </message>
    <message>
        <source>The record it contradicts</source>
        <translation>The record it contradicts</translation>
    </message>
    <message>
        <source>Laptop</source>
        <translation>Laptop</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>Product</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>Lot</translation>
    </message>
    <message>
        <source>Dose</source>
        <translation>Dose</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Desk</translation>
    </message>
    <message>
        <source>Site of injection</source>
        <translation>Site of injection</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>Seat</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Minutes</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Day</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>Slot</translation>
    </message>
    <message>
        <source>Booking no.</source>
        <translation>Booking no.</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>Reasons</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Reaction</source>
        <translation>Reaction</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Severity</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>Handling</translation>
    </message>
    <message>
        <source>Observation extended (min)</source>
        <translation>Observation extended (min)</translation>
    </message>
    <message>
        <source>Staff ID</source>
        <translation>Staff ID</translation>
    </message>
    <message>
        <source>(none held on this laptop)</source>
        <translation>(none held on this laptop)</translation>
    </message>
    <message>
        <source>Conflicts: {n} (Alt+4)</source>
        <translation>Conflicts: {n} (Alt+4)</translation>
    </message>
    <message>
        <source>Choose a conflict in the table first</source>
        <translation>Choose a conflict in the table first</translation>
    </message>
    <message>
        <source>Conflict resolved: your note is recorded</source>
        <translation>Conflict resolved: your note is recorded</translation>
    </message>
</context>
<context>
    <name>AefiDialog</name>
    <message>
        <source>Adverse reaction</source>
        <translation>Adverse reaction</translation>
    </message>
    <message>
        <source>Common reactions</source>
        <translation>Common reactions</translation>
    </message>
    <message>
        <source>Rare / adverse reactions</source>
        <translation>Rare / adverse reactions</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>What was seen, what was done</source>
        <translation>What was seen, what was done</translation>
    </message>
    <message>
        <source>Reaction</source>
        <translation>Reaction</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Severity</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>Handling</translation>
    </message>
    <message>
        <source>Onset time</source>
        <translation>Onset time</translation>
    </message>
    <message>
        <source>Extend observation by</source>
        <translation>Extend observation by</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Record (Enter)</source>
        <translation>Record (Enter)</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>Adverse reaction: No. {n}  {name}</source>
        <translation>Adverse reaction: No. {n}  {name}</translation>
    </message>
    <message>
        <source>Handed over to hospital: recording it ends this person's observation</source>
        <translation>Handed over to hospital: recording it ends this person's observation</translation>
    </message>
    <message>
        <source>Fever</source>
        <translation>Fever</translation>
    </message>
    <message>
        <source>Redness at the injection site</source>
        <translation>Redness at the injection site</translation>
    </message>
    <message>
        <source>Swelling at the injection site</source>
        <translation>Swelling at the injection site</translation>
    </message>
    <message>
        <source>Hard lump (induration)</source>
        <translation>Hard lump (induration)</translation>
    </message>
    <message>
        <source>Pain at the injection site</source>
        <translation>Pain at the injection site</translation>
    </message>
    <message>
        <source>Headache</source>
        <translation>Headache</translation>
    </message>
    <message>
        <source>Fatigue</source>
        <translation>Fatigue</translation>
    </message>
    <message>
        <source>Nausea</source>
        <translation>Nausea</translation>
    </message>
    <message>
        <source>Allergic rash</source>
        <translation>Allergic rash</translation>
    </message>
    <message>
        <source>Anaphylaxis (severe allergic reaction)</source>
        <translation>Anaphylaxis (severe allergic reaction)</translation>
    </message>
    <message>
        <source>Fainting (vasovagal syncope)</source>
        <translation>Fainting (vasovagal syncope)</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>Mild</source>
        <translation>Mild</translation>
    </message>
    <message>
        <source>Moderate</source>
        <translation>Moderate</translation>
    </message>
    <message>
        <source>Severe</source>
        <translation>Severe</translation>
    </message>
    <message>
        <source>Observed</source>
        <translation>Observed</translation>
    </message>
    <message>
        <source>Treated on site</source>
        <translation>Treated on site</translation>
    </message>
    <message>
        <source>Transferred to hospital</source>
        <translation>Transferred to hospital</translation>
    </message>
    <message>
        <source>The onset time is later than now</source>
        <translation>The onset time is later than now</translation>
    </message>
</context>
<context>
    <name>AuditPanel</name>
    <message>
        <source>Audit trail</source>
        <translation>Audit trail</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Laptop</source>
        <translation>Laptop</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Queue no.</source>
        <translation>Queue no.</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Correct or void…</source>
        <translation>Correct or void…</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>Everyone</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>All actions</translation>
    </message>
    <message>
        <source>Audit trail, {day}</source>
        <translation>Audit trail, {day}</translation>
    </message>
    <message>
        <source> (voided)</source>
        <translation> (voided)</translation>
    </message>
    <message>
        <source> (corrected)</source>
        <translation> (corrected)</translation>
    </message>
    <message>
        <source>{action} at {time} by {staff}: {summary} — reason: {reason}</source>
        <translation>{action} at {time} by {staff}: {summary} — reason: {reason}</translation>
    </message>
    <message>
        <source>{action} at {time} by {staff} — reason: {reason}</source>
        <translation>{action} at {time} by {staff} — reason: {reason}</translation>
    </message>
    <message>
        <source>Choose a record in the table first</source>
        <translation>Choose a record in the table first</translation>
    </message>
    <message>
        <source>This kind of record cannot be corrected</source>
        <translation>This kind of record cannot be corrected</translation>
    </message>
</context>
<context>
    <name>BoardWindow</name>
    <message>
        <source>Observation area board</source>
        <translation>Observation area board</translation>
    </message>
    <message>
        <source>Observation area</source>
        <translation>Observation area</translation>
    </message>
    <message>
        <source>May leave now</source>
        <translation>May leave now</translation>
    </message>
    <message>
        <source>Show your slip at the exit</source>
        <translation>Show your slip at the exit</translation>
    </message>
    <message>
        <source>Numbers appear here when their time is up</source>
        <translation>Numbers appear here when their time is up</translation>
    </message>
    <message>
        <source>No one is under observation</source>
        <translation>No one is under observation</translation>
    </message>
    <message>
        <source>Please stay {minutes} minutes after your injection. When your number is in green you may leave. Feel unwell? Tell the staff at once.</source>
        <translation>Please stay {minutes} minutes after your injection. When your number is in green you may leave. Feel unwell? Tell the staff at once.</translation>
    </message>
    <message>
        <source>Still observing: {n}</source>
        <translation>Still observing: {n}</translation>
    </message>
    <message>
        <source>page {page} of {pages}</source>
        <translation>page {page} of {pages}</translation>
    </message>
    <message>
        <source>{m} min</source>
        <translation>{m} min</translation>
    </message>
    <message>
        <source>Seat {seat}</source>
        <translation>Seat {seat}</translation>
    </message>
    <message>
        <source>standing</source>
        <translation>standing</translation>
    </message>
</context>
<context>
    <name>BookingsPanel</name>
    <message>
        <source>Choose a CSV or XLSX file...</source>
        <translation>Choose a CSV or XLSX file...</translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation>No file chosen</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Line</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Day</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>Slot</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>Why it is refused</source>
        <translation>Why it is refused</translation>
    </message>
    <message>
        <source>To import</source>
        <translation>To import</translation>
    </message>
    <message>
        <source>Bad rows (not imported)</source>
        <translation>Bad rows (not imported)</translation>
    </message>
    <message>
        <source>Import the good rows and leave out the bad ones</source>
        <translation>Import the good rows and leave out the bad ones</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Bookings file</source>
        <translation>Bookings file</translation>
    </message>
    <message>
        <source>Bookings (*.csv *.xlsx *.txt);;All files (*)</source>
        <translation>Bookings (*.csv *.xlsx *.txt);;All files (*)</translation>
    </message>
    <message>
        <source>{good} rows to import, {bad} bad rows: nothing is stored until Import</source>
        <translation>{good} rows to import, {bad} bad rows: nothing is stored until Import</translation>
    </message>
</context>
<context>
    <name>CallScreen</name>
    <message>
        <source>Calling screen</source>
        <translation>Calling screen</translation>
    </message>
    <message>
        <source>Calling</source>
        <translation>Calling</translation>
    </message>
    <message>
        <source>Now calling</source>
        <translation>Now calling</translation>
    </message>
    <message>
        <source>Called before</source>
        <translation>Called before</translation>
    </message>
    <message>
        <source>Next for pre-screen</source>
        <translation>Next for pre-screen</translation>
    </message>
    <message>
        <source>Next for injection</source>
        <translation>Next for injection</translation>
    </message>
    <message>
        <source>May leave (observation over)</source>
        <translation>May leave (observation over)</translation>
    </message>
    <message>
        <source>When your number is called, go to that injection desk. Missed your number? Tell the staff.</source>
        <translation>When your number is called, go to that injection desk. Missed your number? Tell the staff.</translation>
    </message>
    <message>
        <source>Injection desk {desk}</source>
        <translation>Injection desk {desk}</translation>
    </message>
    <message>
        <source>Waiting for the first call</source>
        <translation>Waiting for the first call</translation>
    </message>
    <message>
        <source>Please go to {desk}</source>
        <translation>Please go to {desk}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>May leave: {n}</source>
        <translation>May leave: {n}</translation>
    </message>
</context>
<context>
    <name>CameraWidget</name>
    <message>
        <source>Retry</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>Starting the camera…</translation>
    </message>
    <message>
        <source>Scanning: {source}</source>
        <translation>Scanning: {source}</translation>
    </message>
    <message>
        <source>Last code: {what} at {time}</source>
        <translation>Last code: {what} at {time}</translation>
    </message>
    <message>
        <source>The video has ended</source>
        <translation>The video has ended</translation>
    </message>
    <message>
        <source>camera {n}</source>
        <translation>camera {n}</translation>
    </message>
    <message>
        <source>demo pictures</source>
        <translation>demo pictures</translation>
    </message>
    <message>
        <source>booking QR</source>
        <translation>booking QR</translation>
    </message>
    <message>
        <source>health code</source>
        <translation>health code</translation>
    </message>
    <message>
        <source>exit code</source>
        <translation>exit code</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>unknown code</source>
        <translation>unknown code</translation>
    </message>
    <message>
        <source>Camera off</source>
        <translation>Camera off</translation>
    </message>
    <message>
        <source>Not an exit code: scan the QR on the observation slip</source>
        <translation>Not an exit code: scan the QR on the observation slip</translation>
    </message>
</context>
<context>
    <name>CorrectDialog</name>
    <message>
        <source>Correct a record</source>
        <translation>Correct a record</translation>
    </message>
    <message>
        <source>Why (required)</source>
        <translation>Why (required)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Save correction (Enter)</source>
        <translation>Save correction (Enter)</translation>
    </message>
    <message>
        <source>Void this record</source>
        <translation>Void this record</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>{action} at {time}</source>
        <translation>{action} at {time}</translation>
    </message>
    <message>
        <source>The record stays as it was; the correction is recorded with your name and reason.</source>
        <translation>The record stays as it was; the correction is recorded with your name and reason.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>Temperature (°C)</source>
        <translation>Temperature (°C)</translation>
    </message>
    <message>
        <source>Body site</source>
        <translation>Body site</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>Lot</translation>
    </message>
    <message>
        <source>Dose number</source>
        <translation>Dose number</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>Handling</translation>
    </message>
    <message>
        <source>Left upper arm (deltoid)</source>
        <translation>Left upper arm (deltoid)</translation>
    </message>
    <message>
        <source>Right upper arm (deltoid)</source>
        <translation>Right upper arm (deltoid)</translation>
    </message>
    <message>
        <source>Observed</source>
        <translation>Observed</translation>
    </message>
    <message>
        <source>Treated on site</source>
        <translation>Treated on site</translation>
    </message>
    <message>
        <source>Handed over to hospital</source>
        <translation>Handed over to hospital</translation>
    </message>
    <message>
        <source>Nothing of yours to correct yet</source>
        <translation>Nothing of yours to correct yet</translation>
    </message>
</context>
<context>
    <name>DamagedDialog</name>
    <message>
        <source>The station's database cannot be used</source>
        <translation>The station's database cannot be used</translation>
    </message>
    <message>
        <source>Latest sound backup: %1 (%2 records). Restoring it puts it in place of the damaged file, which is kept in replaced/.</source>
        <translation>Latest sound backup: %1 (%2 records). Restoring it puts it in place of the damaged file, which is kept in replaced/.</translation>
    </message>
    <message>
        <source>No sound backup was found in the backups folder or on the USB stick.</source>
        <translation>No sound backup was found in the backups folder or on the USB stick.</translation>
    </message>
    <message>
        <source>From the site hub (%1): this station had joined it, so its records that reached the hub are there. Bringing them back makes a new database with the same station id from the hub's records (the whole site's, this station's included) and keeps the damaged file in replaced/. Records made here after the last sync are only in the damaged file and its backups: keep them.</source>
        <translation>From the site hub (%1): this station had joined it, so its records that reached the hub are there. Bringing them back makes a new database with the same station id from the hub's records (the whole site's, this station's included) and keeps the damaged file in replaced/. Records made here after the last sync are only in the damaged file and its backups: keep them.</translation>
    </message>
    <message>
        <source>From the site hub: on a station that had joined a hub, its records are on the hub too. Set this laptop up as a new station (a new station id) and join the hub with a new code: it pulls the whole site's records, this station's included (install guide, section 7). Records not yet synced are only in the damaged file and its backups: keep them.</source>
        <translation>From the site hub: on a station that had joined a hub, its records are on the hub too. Set this laptop up as a new station (a new station id) and join the hub with a new code: it pulls the whole site's records, this station's included (install guide, section 7). Records not yet synced are only in the damaged file and its backups: keep them.</translation>
    </message>
    <message>
        <source>Restore the latest backup</source>
        <translation>Restore the latest backup</translation>
    </message>
    <message>
        <source>Bring the records back from the hub</source>
        <translation>Bring the records back from the hub</translation>
    </message>
    <message>
        <source>Close the program</source>
        <translation>Close the program</translation>
    </message>
    <message>
        <source>Bringing the records back from the hub…</source>
        <translation>Bringing the records back from the hub…</translation>
    </message>
    <message>
        <source>The hub could not be reached or refused (%1). Nothing was changed; try again when the hub is on the network.</source>
        <translation>The hub could not be reached or refused (%1). Nothing was changed; try again when the hub is on the network.</translation>
    </message>
</context>
<context>
    <name>DiscardVialDialog</name>
    <message>
        <source>Discard vial</source>
        <translation>Discard vial</translation>
    </message>
    <message>
        <source>— choose the reason —</source>
        <translation>— choose the reason —</translation>
    </message>
    <message>
        <source>What happened (required for Other)</source>
        <translation>What happened (required for Other)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Discard (Enter)</source>
        <translation>Discard (Enter)</translation>
    </message>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>Discard vial {vial}</source>
        <translation>Discard vial {vial}</translation>
    </message>
    <message>
        <source>Lot {lot}: the {n} doses left in this vial will be recorded as wasted.</source>
        <translation>Lot {lot}: the {n} doses left in this vial will be recorded as wasted.</translation>
    </message>
    <message>
        <source>Expired after opening</source>
        <translation>Expired after opening</translation>
    </message>
    <message>
        <source>Broken</source>
        <translation>Broken</translation>
    </message>
    <message>
        <source>Contaminated</source>
        <translation>Contaminated</translation>
    </message>
    <message>
        <source>Other (write what happened)</source>
        <translation>Other (write what happened)</translation>
    </message>
    <message>
        <source>Choose why the vial is discarded</source>
        <translation>Choose why the vial is discarded</translation>
    </message>
    <message>
        <source>Write what happened</source>
        <translation>Write what happened</translation>
    </message>
</context>
<context>
    <name>Doses</name>
    <message>
        <source>booster</source>
        <translation>booster</translation>
    </message>
    <message>
        <source>dose {n}</source>
        <translation>dose {n}</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Set up this laptop</source>
        <translation>Set up this laptop</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Site name</source>
        <translation>Site name</translation>
    </message>
    <message>
        <source>Station id</source>
        <translation>Station id</translation>
    </message>
    <message>
        <source>Desk number</source>
        <translation>Desk number</translation>
    </message>
    <message>
        <source>Lock when idle after</source>
        <translation>Lock when idle after</translation>
    </message>
    <message>
        <source>Desks on this laptop</source>
        <translation>Desks on this laptop</translation>
    </message>
    <message>
        <source>First administrator of this site</source>
        <translation>First administrator of this site</translation>
    </message>
    <message>
        <source>Staff id</source>
        <translation>Staff id</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>PIN (4-12 digits)</source>
        <translation>PIN (4-12 digits)</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>PIN again</translation>
    </message>
    <message>
        <source>Welcome. Set up this laptop for the vaccination point.</source>
        <translation>Welcome. Set up this laptop for the vaccination point.</translation>
    </message>
    <message>
        <source>Enter the site name</source>
        <translation>Enter the site name</translation>
    </message>
    <message>
        <source>Enter this laptop's station id</source>
        <translation>Enter this laptop's station id</translation>
    </message>
    <message>
        <source>Choose at least one desk</source>
        <translation>Choose at least one desk</translation>
    </message>
    <message>
        <source>Write down the recovery code first, then tick the box</source>
        <translation>Write down the recovery code first, then tick the box</translation>
    </message>
    <message>
        <source>The two PINs differ: type the PIN again</source>
        <translation>The two PINs differ: type the PIN again</translation>
    </message>
    <message>
        <source>The first administrator is set up</source>
        <translation>The first administrator is set up</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>{site} · desk {desk}</source>
        <translation>{site} · desk {desk}</translation>
    </message>
    <message>
        <source>Staff: {name} ({id})</source>
        <translation>Staff: {name} ({id})</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>Not logged in</translation>
    </message>
    <message>
        <source>Signed in {signed_in}  ·  waiting: pre-screen {wp} / injection {wi} / observation {wo}  ·  vaccinated {injected}  ·  observing {observing}  ·  turned away {turned_away}  ·  doses left {doses_left}  ·  bookings left {bookings_left}</source>
        <translation>Signed in {signed_in}  ·  waiting: pre-screen {wp} / injection {wi} / observation {wo}  ·  vaccinated {injected}  ·  observing {observing}  ·  turned away {turned_away}  ·  doses left {doses_left}  ·  bookings left {bookings_left}</translation>
    </message>
    <message>
        <source>to hospital {n}</source>
        <translation>to hospital {n}</translation>
    </message>
    <message>
        <source>Check this laptop's clock</source>
        <translation>Check this laptop's clock</translation>
    </message>
    <message>
        <source>Daily checklist: {n} not done</source>
        <translation>Daily checklist: {n} not done</translation>
    </message>
    <message>
        <source>Low stock: {left} doses for {bookings} people</source>
        <translation>Low stock: {left} doses for {bookings} people</translation>
    </message>
    <message>
        <source>Low stock: {left} doses left, {bookings} people still to vaccinate today (keep {margin} spare): receive more vaccine</source>
        <translation>Low stock: {left} doses left, {bookings} people still to vaccinate today (keep {margin} spare): receive more vaccine</translation>
    </message>
</context>
<context>
    <name>InjectPage</name>
    <message>
        <source>Call next (F2)</source>
        <translation>Call next (F2)</translation>
    </message>
    <message>
        <source>F2 or Space: call the next person in queue order</source>
        <translation>F2 or Space: call the next person in queue order</translation>
    </message>
    <message>
        <source>Now called</source>
        <translation>Now called</translation>
    </message>
    <message>
        <source>Usable lots of this vaccine, first expiry first</source>
        <translation>Usable lots of this vaccine, first expiry first</translation>
    </message>
    <message>
        <source>Scan the vial's code or type the lot number (F6), Enter</source>
        <translation>Scan the vial's code or type the lot number (F6), Enter</translation>
    </message>
    <message>
        <source>A vial's pack code (GS1 or 20-digit traceability code) opens that vial at this desk; a lot number selects the lot</source>
        <translation>A vial's pack code (GS1 or 20-digit traceability code) opens that vial at this desk; a lot number selects the lot</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>Lot</translation>
    </message>
    <message>
        <source>Injected (Enter / F5)</source>
        <translation>Injected (Enter / F5)</translation>
    </message>
    <message>
        <source>Recall (F3)</source>
        <translation>Recall (F3)</translation>
    </message>
    <message>
        <source>Absent (F4)</source>
        <translation>Absent (F4)</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>Correct…</translation>
    </message>
    <message>
        <source>Correct or void your last recorded injection</source>
        <translation>Correct or void your last recorded injection</translation>
    </message>
    <message>
        <source>Open vial at this desk</source>
        <translation>Open vial at this desk</translation>
    </message>
    <message>
        <source>Open vial (F7)</source>
        <translation>Open vial (F7)</translation>
    </message>
    <message>
        <source>Open a vial of the lot picked (or scan the vial's code: F6)</source>
        <translation>Open a vial of the lot picked (or scan the vial's code: F6)</translation>
    </message>
    <message>
        <source>Discard (F8)</source>
        <translation>Discard (F8)</translation>
    </message>
    <message>
        <source>Discard the open vial: its doses left are recorded as wasted</source>
        <translation>Discard the open vial: its doses left are recorded as wasted</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>For information: people are called in queue order (F2)</source>
        <translation>For information: people are called in queue order (F2)</translation>
    </message>
    <message>
        <source>Queue number {n} is no longer waiting at this desk</source>
        <translation>Queue number {n} is no longer waiting at this desk</translation>
    </message>
    <message>
        <source>Queue number {n} is called at this desk: inject (Enter) or mark absent (F4)</source>
        <translation>Queue number {n} is called at this desk: inject (Enter) or mark absent (F4)</translation>
    </message>
    <message>
        <source>Waiting: {n}</source>
        <translation>Waiting: {n}</translation>
    </message>
    <message>
        <source>(desk {desk})</source>
        <translation>(desk {desk})</translation>
    </message>
    <message>
        <source>(missed)</source>
        <translation>(missed)</translation>
    </message>
    <message>
        <source>{lot} · expires {expiry} · {left} left</source>
        <translation>{lot} · expires {expiry} · {left} left</translation>
    </message>
    <message>
        <source>also open: {product} lot {lot}, {left} left</source>
        <translation>also open: {product} lot {lot}, {left} left</translation>
    </message>
    <message>
        <source>No open vial</source>
        <translation>No open vial</translation>
    </message>
    <message>
        <source>Single-dose vials</source>
        <translation>Single-dose vials</translation>
    </message>
    <message>
        <source>Each injection opens a vial: nothing to open first</source>
        <translation>Each injection opens a vial: nothing to open first</translation>
    </message>
    <message>
        <source>Open a vial before the next injection: scan it (F6) or pick the lot and press F7</source>
        <translation>Open a vial before the next injection: scan it (F6) or pick the lot and press F7</translation>
    </message>
    <message>
        <source>{left} of {doses} doses left</source>
        <translation>{left} of {doses} doses left</translation>
    </message>
    <message>
        <source>{product} · lot {lot}</source>
        <translation>{product} · lot {lot}</translation>
    </message>
    <message>
        <source>Vial {vial}</source>
        <translation>Vial {vial}</translation>
    </message>
    <message>
        <source>Opened {opened} · use by {until}</source>
        <translation>Opened {opened} · use by {until}</translation>
    </message>
    <message>
        <source>Past its time after opening: do not use it. Discard it (F8), then open a new one</source>
        <translation>Past its time after opening: do not use it. Discard it (F8), then open a new one</translation>
    </message>
    <message>
        <source>No usable lot of {product} in stock</source>
        <translation>No usable lot of {product} in stock</translation>
    </message>
    <message>
        <source>Pick the lot, or scan the vial</source>
        <translation>Pick the lot, or scan the vial</translation>
    </message>
    <message>
        <source>Nobody called: press F2 to call the next person</source>
        <translation>Nobody called: press F2 to call the next person</translation>
    </message>
    <message>
        <source>{route}, {ml} mL</source>
        <translation>{route}, {ml} mL</translation>
    </message>
    <message>
        <source>Pre-screen note: {notes}</source>
        <translation>Pre-screen note: {notes}</translation>
    </message>
    <message>
        <source>Nobody is waiting for the injection</source>
        <translation>Nobody is waiting for the injection</translation>
    </message>
    <message>
        <source>Calling queue number {n}: {name}</source>
        <translation>Calling queue number {n}: {name}</translation>
    </message>
    <message>
        <source>Pick the lot or scan the vial first</source>
        <translation>Pick the lot or scan the vial first</translation>
    </message>
    <message>
        <source>Queue number {n} {name}: {dose} recorded (lot {lot}). Please go to observation</source>
        <translation>Queue number {n} {name}: {dose} recorded (lot {lot}). Please go to observation</translation>
    </message>
    <message>
        <source>Vial used up: open the next one before the next injection (scan it or F7)</source>
        <translation>Vial used up: open the next one before the next injection (scan it or F7)</translation>
    </message>
    <message>
        <source>Vial: {left} doses left</source>
        <translation>Vial: {left} doses left</translation>
    </message>
    <message>
        <source>Calling queue number {n} again: {name}</source>
        <translation>Calling queue number {n} again: {name}</translation>
    </message>
    <message>
        <source>Queue number {n} is absent: back of the queue. Call the next (F2)</source>
        <translation>Queue number {n} is absent: back of the queue. Call the next (F2)</translation>
    </message>
    <message>
        <source>Lot {lot} selected</source>
        <translation>Lot {lot} selected</translation>
    </message>
    <message>
        <source>Multi-dose vials: open one (F7) before the injection</source>
        <translation>Multi-dose vials: open one (F7) before the injection</translation>
    </message>
    <message>
        <source>Pick the lot of the vial to open first</source>
        <translation>Pick the lot of the vial to open first</translation>
    </message>
    <message>
        <source>Vial {vial} opened: lot {lot}, {n} doses, use by {until}</source>
        <translation>Vial {vial} opened: lot {lot}, {n} doses, use by {until}</translation>
    </message>
    <message>
        <source>No vial is open at this desk</source>
        <translation>No vial is open at this desk</translation>
    </message>
    <message>
        <source>Vial {vial} discarded: {n} doses recorded as wasted. Open the next one (scan it or F7)</source>
        <translation>Vial {vial} discarded: {n} doses recorded as wasted. Open the next one (scan it or F7)</translation>
    </message>
    <message>
        <source>Nobody is called: press F2 to call the next person</source>
        <translation>Nobody is called: press F2 to call the next person</translation>
    </message>
</context>
<context>
    <name>LockCover</name>
    <message>
        <source>Log in (Enter)</source>
        <translation>Log in (Enter)</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Staff login</source>
        <translation>Staff login</translation>
    </message>
    <message>
        <source>Staff id</source>
        <translation>Staff id</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Forgot PIN? (admin recovery code)</source>
        <translation>Forgot PIN? (admin recovery code)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Vaccination Station — {site}</source>
        <translation>Vaccination Station — {site}</translation>
    </message>
    <message>
        <source>Lock (F12)</source>
        <translation>Lock (F12)</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>Not logged in</translation>
    </message>
    <message>
        <source>Locked after being idle: log in again</source>
        <translation>Locked after being idle: log in again</translation>
    </message>
    <message>
        <source>Locked: log in to go on</source>
        <translation>Locked: log in to go on</translation>
    </message>
    <message>
        <source>You have no desk role: the desk tabs are for their own staff. Here: the site admin's work.</source>
        <translation>You have no desk role: the desk tabs are for their own staff. Here: the site admin's work.</translation>
    </message>
</context>
<context>
    <name>NewStationPassphraseDialog</name>
    <message>
        <source>Protect this laptop's records</source>
        <translation>Protect this laptop's records</translation>
    </message>
    <message>
        <source>Database passphrase (at least 8 characters)</source>
        <translation>Database passphrase (at least 8 characters)</translation>
    </message>
    <message>
        <source>The passphrase again</source>
        <translation>The passphrase again</translation>
    </message>
    <message>
        <source>Remember on this computer (the system keyring of this account)</source>
        <translation>Remember on this computer (the system keyring of this account)</translation>
    </message>
    <message>
        <source>Encrypt</source>
        <translation>Encrypt</translation>
    </message>
    <message>
        <source>Not encrypted</source>
        <translation>Not encrypted</translation>
    </message>
    <message>
        <source>Encrypt this laptop's records?</source>
        <translation>Encrypt this laptop's records?</translation>
    </message>
    <message>
        <source>Names, ID numbers and phone numbers are kept on this laptop. Encrypted, a lost or stolen laptop or a copied file shows nothing without the passphrase, which is asked at every start (or kept in this account's keyring). Write it down where the site keeps its secrets: a forgotten passphrase cannot be recovered. Not encrypted: anyone who can read the disk can read them.</source>
        <translation>Names, ID numbers and phone numbers are kept on this laptop. Encrypted, a lost or stolen laptop or a copied file shows nothing without the passphrase, which is asked at every start (or kept in this account's keyring). Write it down where the site keeps its secrets: a forgotten passphrase cannot be recovered. Not encrypted: anyone who can read the disk can read them.</translation>
    </message>
</context>
<context>
    <name>ObservePage</name>
    <message>
        <source>Seat (F2)</source>
        <translation>Seat (F2)</translation>
    </message>
    <message>
        <source>Press F2 to seat the first person waiting</source>
        <translation>Press F2 to seat the first person waiting</translation>
    </message>
    <message>
        <source>Waiting for a seat</source>
        <translation>Waiting for a seat</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>Seat</translation>
    </message>
    <message>
        <source>Exit scan: queue number or slip code, then Enter</source>
        <translation>Exit scan: queue number or slip code, then Enter</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>Vaccine</translation>
    </message>
    <message>
        <source>Injected</source>
        <translation>Injected</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Until</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>Reaction</source>
        <translation>Reaction</translation>
    </message>
    <message>
        <source>Release (F5)</source>
        <translation>Release (F5)</translation>
    </message>
    <message>
        <source>Release early (F6)</source>
        <translation>Release early (F6)</translation>
    </message>
    <message>
        <source>Adverse reaction (F7)</source>
        <translation>Adverse reaction (F7)</translation>
    </message>
    <message>
        <source>Reprint slip (F8)</source>
        <translation>Reprint slip (F8)</translation>
    </message>
    <message>
        <source>Print preview</source>
        <translation>Print preview</translation>
    </message>
    <message>
        <source>Board (F9)</source>
        <translation>Board (F9)</translation>
    </message>
    <message>
        <source>Observation area</source>
        <translation>Observation area</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>Correct…</translation>
    </message>
    <message>
        <source>Correct or void your last reaction report</source>
        <translation>Correct or void your last reaction report</translation>
    </message>
    <message>
        <source>AEFI ×{n}</source>
        <translation>AEFI ×{n}</translation>
    </message>
    <message>
        <source>SERIOUS</source>
        <translation>SERIOUS</translation>
    </message>
    <message>
        <source>standing</source>
        <translation>standing</translation>
    </message>
    <message>
        <source>may leave</source>
        <translation>may leave</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>No. {n}  {name}  {time}
{product}</source>
        <translation>No. {n}  {name}  {time}
{product}</translation>
    </message>
    <message>
        <source>Seats taken: {taken} of {seats}  ·  observing: {n}</source>
        <translation>Seats taken: {taken} of {seats}  ·  observing: {n}</translation>
    </message>
    <message>
        <source>The observation area is full: new arrivals observe standing until a seat frees up</source>
        <translation>The observation area is full: new arrivals observe standing until a seat frees up</translation>
    </message>
    <message>
        <source>The observation area is nearly full: {free} seats free</source>
        <translation>The observation area is nearly full: {free} seats free</translation>
    </message>
    <message>
        <source>Scan the slip or choose a person in the table</source>
        <translation>Scan the slip or choose a person in the table</translation>
    </message>
    <message>
        <source>No. {n}  {name}  ·  seat {seat}  ·  until {until}</source>
        <translation>No. {n}  {name}  ·  seat {seat}  ·  until {until}</translation>
    </message>
    <message>
        <source>No visit today for “{code}”</source>
        <translation>No visit today for “{code}”</translation>
    </message>
    <message>
        <source>No. {n}: time is up, press F5 to release</source>
        <translation>No. {n}: time is up, press F5 to release</translation>
    </message>
    <message>
        <source>No. {n}: {m} more minutes (until {until})</source>
        <translation>No. {n}: {m} more minutes (until {until})</translation>
    </message>
    <message>
        <source>No. {n} has no seat yet: press F2 to seat</source>
        <translation>No. {n} has no seat yet: press F2 to seat</translation>
    </message>
    <message>
        <source>No. {n}: {why}</source>
        <translation>No. {n}: {why}</translation>
    </message>
    <message>
        <source>No. {n} may leave</source>
        <translation>No. {n} may leave</translation>
    </message>
    <message>
        <source>No. {n} may not leave yet: {m} more minutes (until {until}). F6 releases early</source>
        <translation>No. {n} may not leave yet: {m} more minutes (until {until}). F6 releases early</translation>
    </message>
    <message>
        <source>No one is waiting for a seat</source>
        <translation>No one is waiting for a seat</translation>
    </message>
    <message>
        <source>No. {n}</source>
        <translation>No. {n}</translation>
    </message>
    <message>
        <source>No. {n}: seat {seat}, observe until {until}</source>
        <translation>No. {n}: seat {seat}, observe until {until}</translation>
    </message>
    <message>
        <source>Scan the slip or choose a person in the table first</source>
        <translation>Scan the slip or choose a person in the table first</translation>
    </message>
    <message>
        <source>No. {n} released: may leave</source>
        <translation>No. {n} released: may leave</translation>
    </message>
    <message>
        <source>Release early</source>
        <translation>Release early</translation>
    </message>
    <message>
        <source>No. {n} has {m} minutes left.
Reason for releasing early (required):</source>
        <translation>No. {n} has {m} minutes left.
Reason for releasing early (required):</translation>
    </message>
    <message>
        <source>Releasing early needs a reason: nobody was released</source>
        <translation>Releasing early needs a reason: nobody was released</translation>
    </message>
    <message>
        <source>No. {n} released early ({m} minutes left)</source>
        <translation>No. {n} released early ({m} minutes left)</translation>
    </message>
    <message>
        <source>No. {n}: preparing the slip…</source>
        <translation>No. {n}: preparing the slip…</translation>
    </message>
    <message>
        <source>No. {n}: printing the slip…</source>
        <translation>No. {n}: printing the slip…</translation>
    </message>
    <message>
        <source>No. {n}: slip printed ({printer})</source>
        <translation>No. {n}: slip printed ({printer})</translation>
    </message>
    <message>
        <source>No. {n}: handed over to hospital, observation ended. SERIOUS adverse reaction: report it immediately</source>
        <translation>No. {n}: handed over to hospital, observation ended. SERIOUS adverse reaction: report it immediately</translation>
    </message>
    <message>
        <source>No. {n}: SERIOUS adverse reaction: report it immediately</source>
        <translation>No. {n}: SERIOUS adverse reaction: report it immediately</translation>
    </message>
    <message>
        <source>No. {n}: adverse reaction recorded</source>
        <translation>No. {n}: adverse reaction recorded</translation>
    </message>
    <message>
        <source>observe until {until}</source>
        <translation>observe until {until}</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <source>{page} is for {roles} staff.

You are logged in as {name} ({id}): {yours}.

Lock the window (F12) and let {roles} staff log in here, or use your own tab.</source>
        <translation>{page} is for {roles} staff.

You are logged in as {name} ({id}): {yours}.

Lock the window (F12) and let {roles} staff log in here, or use your own tab.</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <source>Encrypted station</source>
        <translation>Encrypted station</translation>
    </message>
    <message>
        <source>Database passphrase</source>
        <translation>Database passphrase</translation>
    </message>
    <message>
        <source>Remember on this computer (the system keyring of this account)</source>
        <translation>Remember on this computer (the system keyring of this account)</translation>
    </message>
    <message>
        <source>This station's records are encrypted</source>
        <translation>This station's records are encrypted</translation>
    </message>
    <message>
        <source>Enter the database passphrase to open them. Ask the site admin if you do not know it.</source>
        <translation>Enter the database passphrase to open them. Ask the site admin if you do not know it.</translation>
    </message>
</context>
<context>
    <name>PersonCard</name>
    <message>
        <source>{age} years</source>
        <translation>{age} years</translation>
    </message>
    <message>
        <source>male</source>
        <translation>male</translation>
    </message>
    <message>
        <source>female</source>
        <translation>female</translation>
    </message>
</context>
<context>
    <name>PlannerPanel</name>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Simulate again</source>
        <translation>Simulate again</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>Slot</translation>
    </message>
    <message>
        <source>Bookings to release</source>
        <translation>Bookings to release</translation>
    </message>
    <message>
        <source>Keep 95% of waits under</source>
        <translation>Keep 95% of waits under</translation>
    </message>
    <message>
        <source>Simulating the site...</source>
        <translation>Simulating the site...</translation>
    </message>
    <message>
        <source>Advice for tomorrow ({tomorrow}), from the records of {day}</source>
        <translation>Advice for tomorrow ({tomorrow}), from the records of {day}</translation>
    </message>
    <message>
        <source>Tomorrow's {n} bookings simulated with that day's desks and seats.</source>
        <translation>Tomorrow's {n} bookings simulated with that day's desks and seats.</translation>
    </message>
    <message>
        <source>Nobody booked for tomorrow yet: that day's own bookings simulated.</source>
        <translation>Nobody booked for tomorrow yet: that day's own bookings simulated.</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>Sign-in</translation>
    </message>
    <message>
        <source>Pre-screen</source>
        <translation>Pre-screen</translation>
    </message>
    <message>
        <source>Injection</source>
        <translation>Injection</translation>
    </message>
    <message>
        <source>simulated</source>
        <translation>simulated</translation>
    </message>
    <message>
        <source>recorded</source>
        <translation>recorded</translation>
    </message>
    <message>
        <source>Nothing to show</source>
        <translation>Nothing to show</translation>
    </message>
    <message>
        <source>Desks: sign-in {signin}, pre-screen {prescreen}, injection {inject}</source>
        <translation>Desks: sign-in {signin}, pre-screen {prescreen}, injection {inject}</translation>
    </message>
    <message>
        <source>The target was not reached: the closest plan is shown.</source>
        <translation>The target was not reached: the closest plan is shown.</translation>
    </message>
    <message>
        <source>Bottleneck: {step}. Slot plan for {people} people, p95 wait under {target} min.</source>
        <translation>Bottleneck: {step}. Slot plan for {people} people, p95 wait under {target} min.</translation>
    </message>
</context>
<context>
    <name>PreScreenPage</name>
    <message>
        <source>Waiting for pre-screen</source>
        <translation>Waiting for pre-screen</translation>
    </message>
    <message>
        <source>Find by ID number (F3)</source>
        <translation>Find by ID number (F3)</translation>
    </message>
    <message>
        <source>F3: scan or type the ID number of a signed-in person, then Enter</source>
        <translation>F3: scan or type the ID number of a signed-in person, then Enter</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Enter or double-click takes the person; F2 takes the selected one</source>
        <translation>Enter or double-click takes the person; F2 takes the selected one</translation>
    </message>
    <message>
        <source>Next (F2)</source>
        <translation>Next (F2)</translation>
    </message>
    <message>
        <source>Dose history</source>
        <translation>Dose history</translation>
    </message>
    <message>
        <source>dose </source>
        <translation>dose </translation>
    </message>
    <message>
        <source>Add dose</source>
        <translation>Add dose</translation>
    </message>
    <message>
        <source>Given elsewhere:</source>
        <translation>Given elsewhere:</translation>
    </message>
    <message>
        <source>Vaccine:</source>
        <translation>Vaccine:</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <source>fever from {t} °C · readings {min}-{max} °C</source>
        <translation>fever from {t} °C · readings {min}-{max} °C</translation>
    </message>
    <message>
        <source>Questions (Y = yes, N = no)</source>
        <translation>Questions (Y = yes, N = no)</translation>
    </message>
    <message>
        <source>Pass (F5)</source>
        <translation>Pass (F5)</translation>
    </message>
    <message>
        <source>Reason to turn away…</source>
        <translation>Reason to turn away…</translation>
    </message>
    <message>
        <source>Turn away (F6)</source>
        <translation>Turn away (F6)</translation>
    </message>
    <message>
        <source>Cancel booking (F8)</source>
        <translation>Cancel booking (F8)</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>Correct…</translation>
    </message>
    <message>
        <source>Correct or void your last pre-screen result</source>
        <translation>Correct or void your last pre-screen result</translation>
    </message>
    <message>
        <source>Reason for cancelling (required), then Enter</source>
        <translation>Reason for cancelling (required), then Enter</translation>
    </message>
    <message>
        <source>Cancel the booking (Enter)</source>
        <translation>Cancel the booking (Enter)</translation>
    </message>
    <message>
        <source>Keep the booking (Esc)</source>
        <translation>Keep the booking (Esc)</translation>
    </message>
    <message>
        <source>Waiting for pre-screen: {n}</source>
        <translation>Waiting for pre-screen: {n}</translation>
    </message>
    <message>
        <source>Queue number {n} {name} was dealt with at another desk</source>
        <translation>Queue number {n} {name} was dealt with at another desk</translation>
    </message>
    <message>
        <source>Nobody is waiting for the pre-screen</source>
        <translation>Nobody is waiting for the pre-screen</translation>
    </message>
    <message>
        <source>Queue number {n}</source>
        <translation>Queue number {n}</translation>
    </message>
    <message>
        <source>Nobody with this ID number is signed in today</source>
        <translation>Nobody with this ID number is signed in today</translation>
    </message>
    <message>
        <source>Slot {slot}</source>
        <translation>Slot {slot}</translation>
    </message>
    <message>
        <source>Pre-screening queue number {n}: {name}</source>
        <translation>Pre-screening queue number {n}: {name}</translation>
    </message>
    <message>
        <source>Take the next person: F2, or Enter on the queue, or scan the ID (F3)</source>
        <translation>Take the next person: F2, or Enter on the queue, or scan the ID (F3)</translation>
    </message>
    <message>
        <source>given here</source>
        <translation>given here</translation>
    </message>
    <message>
        <source>declared</source>
        <translation>declared</translation>
    </message>
    <message>
        <source>declared now</source>
        <translation>declared now</translation>
    </message>
    <message>
        <source>No dose recorded: first dose</source>
        <translation>No dose recorded: first dose</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Too early for the {dose}: earliest {day} ({days} more days). The person will be deferred</source>
        <translation>Too early for the {dose}: earliest {day} ({days} more days). The person will be deferred</translation>
    </message>
    <message>
        <source>Not to be vaccinated: {reason}</source>
        <translation>Not to be vaccinated: {reason}</translation>
    </message>
    <message>
        <source>Due today: {dose} of {product}</source>
        <translation>Due today: {dose} of {product}</translation>
    </message>
    <message>
        <source>(later than recommended, still give it)</source>
        <translation>(later than recommended, still give it)</translation>
    </message>
    <message>
        <source>Dose {n} is already in the history</source>
        <translation>Dose {n} is already in the history</translation>
    </message>
    <message>
        <source>The date of a dose given elsewhere cannot be in the future</source>
        <translation>The date of a dose given elsewhere cannot be in the future</translation>
    </message>
    <message>
        <source>Dose added: it is saved with the pre-screen (F5 / F6)</source>
        <translation>Dose added: it is saved with the pre-screen (F5 / F6)</translation>
    </message>
    <message>
        <source>Take a person from the queue first (F2)</source>
        <translation>Take a person from the queue first (F2)</translation>
    </message>
    <message>
        <source>Pick the reason to turn away, then F6 again</source>
        <translation>Pick the reason to turn away, then F6 again</translation>
    </message>
    <message>
        <source>Queue number {n} {name}: passed. Please go to the injection desk</source>
        <translation>Queue number {n} {name}: passed. Please go to the injection desk</translation>
    </message>
    <message>
        <source>Note: {notes}</source>
        <translation>Note: {notes}</translation>
    </message>
    <message>
        <source>not to be vaccinated</source>
        <translation>not to be vaccinated</translation>
    </message>
    <message>
        <source>defer vaccination, come back later</source>
        <translation>defer vaccination, come back later</translation>
    </message>
    <message>
        <source>Queue number {n} {name}: turned away ({outcome}): {reasons}</source>
        <translation>Queue number {n} {name}: turned away ({outcome}): {reasons}</translation>
    </message>
    <message>
        <source>Pre-screen not finished: no answer to question {n}: {text}</source>
        <translation>Pre-screen not finished: no answer to question {n}: {text}</translation>
    </message>
    <message>
        <source>Temperature not measured: measure it and type it in first</source>
        <translation>Temperature not measured: measure it and type it in first</translation>
    </message>
    <message>
        <source>Cancel the booking of queue number {n} {name}? Write the reason</source>
        <translation>Cancel the booking of queue number {n} {name}? Write the reason</translation>
    </message>
    <message>
        <source>Write the reason for cancelling the booking</source>
        <translation>Write the reason for cancelling the booking</translation>
    </message>
    <message>
        <source>Booking of queue number {n} {name} cancelled</source>
        <translation>Booking of queue number {n} {name} cancelled</translation>
    </message>
</context>
<context>
    <name>QuestionRow</name>
    <message>
        <source>Yes</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <source>Y = yes, N = no (then the next question); Space presses the focused button</source>
        <translation>Y = yes, N = no (then the next question); Space presses the focused button</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeBox</name>
    <message>
        <source>Recovery code of this site's administrators</source>
        <translation>Recovery code of this site's administrators</translation>
    </message>
    <message>
        <source>Write it down or print it now and keep it locked away from this laptop: it is shown only this once. When an administrator forgets the PIN, "Forgot PIN?" in the login box takes this code and sets a new PIN; the code is then used up and a new one is shown.</source>
        <translation>Write it down or print it now and keep it locked away from this laptop: it is shown only this once. When an administrator forgets the PIN, "Forgot PIN?" in the login box takes this code and sets a new PIN; the code is then used up and a new one is shown.</translation>
    </message>
    <message>
        <source>I have written down the recovery code</source>
        <translation>I have written down the recovery code</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <source>Forgot PIN: recovery code</source>
        <translation>Forgot PIN: recovery code</translation>
    </message>
    <message>
        <source>Administrator's staff id</source>
        <translation>Administrator's staff id</translation>
    </message>
    <message>
        <source>Recovery code</source>
        <translation>Recovery code</translation>
    </message>
    <message>
        <source>New PIN (4-12 digits)</source>
        <translation>New PIN (4-12 digits)</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>PIN again</translation>
    </message>
    <message>
        <source>The recovery code was shown when this site was set up, to be written down and kept. It sets a new PIN for an administrator; it is then used up and a new one is shown.</source>
        <translation>The recovery code was shown when this site was set up, to be written down and kept. It sets a new PIN for an administrator; it is then used up and a new one is shown.</translation>
    </message>
    <message>
        <source>Set the new PIN</source>
        <translation>Set the new PIN</translation>
    </message>
    <message>
        <source>Write down the recovery code first, then tick the box</source>
        <translation>Write down the recovery code first, then tick the box</translation>
    </message>
    <message>
        <source>The two PINs differ: type the PIN again</source>
        <translation>The two PINs differ: type the PIN again</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>New PIN set for {name}. The old recovery code is used up: write down this new one</source>
        <translation>New PIN set for {name}. The old recovery code is used up: write down this new one</translation>
    </message>
</context>
<context>
    <name>ReportsPanel</name>
    <message>
        <source>Day report (PDF)</source>
        <translation>Day report (PDF)</translation>
    </message>
    <message>
        <source>Next 3 days (PDF)</source>
        <translation>Next 3 days (PDF)</translation>
    </message>
    <message>
        <source>Print signs...</source>
        <translation>Print signs...</translation>
    </message>
    <message>
        <source>Save PDF...</source>
        <translation>Save PDF...</translation>
    </message>
    <message>
        <source>Print...</source>
        <translation>Print...</translation>
    </message>
    <message>
        <source>Today and reports</source>
        <translation>Today and reports</translation>
    </message>
    <message>
        <source>Planner: advice for tomorrow</source>
        <translation>Planner: advice for tomorrow</translation>
    </message>
    <message>
        <source>Today, {day}</source>
        <translation>Today, {day}</translation>
    </message>
    <message>
        <source>Booked {booked} · signed in {signed_in} · vaccinated {vaccinated} · turned away {turned_away} · cancelled {cancelled} · not come {no_shows} · reactions {reactions}</source>
        <translation>Booked {booked} · signed in {signed_in} · vaccinated {vaccinated} · turned away {turned_away} · cancelled {cancelled} · not come {no_shows} · reactions {reactions}</translation>
    </message>
    <message>
        <source>Booked for the slot</source>
        <translation>Booked for the slot</translation>
    </message>
    <message>
        <source>Arrived</source>
        <translation>Arrived</translation>
    </message>
    <message>
        <source>Vaccinated</source>
        <translation>Vaccinated</translation>
    </message>
    <message>
        <source>Over-booked</source>
        <translation>Over-booked</translation>
    </message>
    <message>
        <source>Nothing recorded today yet</source>
        <translation>Nothing recorded today yet</translation>
    </message>
    <message>
        <source>day-report-{day}.pdf</source>
        <translation>day-report-{day}.pdf</translation>
    </message>
    <message>
        <source>outlook-{day}.pdf</source>
        <translation>outlook-{day}.pdf</translation>
    </message>
    <message>
        <source>signs.pdf</source>
        <translation>signs.pdf</translation>
    </message>
    <message>
        <source>Building the PDF...</source>
        <translation>Building the PDF...</translation>
    </message>
    <message>
        <source>{n} page(s): save or print it</source>
        <translation>{n} page(s): save or print it</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>Save PDF</translation>
    </message>
    <message>
        <source>Saved: {path}</source>
        <translation>Saved: {path}</translation>
    </message>
    <message>
        <source>Sent to the printer</source>
        <translation>Sent to the printer</translation>
    </message>
    <message>
        <source>The printer did not start</source>
        <translation>The printer did not start</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Sign-in</source>
        <translation>Sign-in</translation>
    </message>
    <message>
        <source>Pre-screen</source>
        <translation>Pre-screen</translation>
    </message>
    <message>
        <source>Injection</source>
        <translation>Injection</translation>
    </message>
    <message>
        <source>Observation</source>
        <translation>Observation</translation>
    </message>
    <message>
        <source>Site admin</source>
        <translation>Site admin</translation>
    </message>
    <message>
        <source>Vaccinator</source>
        <translation>Vaccinator</translation>
    </message>
</context>
<context>
    <name>SettingsPanel</name>
    <message>
        <source>Desks</source>
        <translation>Desks</translation>
    </message>
    <message>
        <source>Sign-in queue letter</source>
        <translation>Sign-in queue letter</translation>
    </message>
    <message>
        <source>A to Z: A001, A002...</source>
        <translation>A to Z: A001, A002...</translation>
    </message>
    <message>
        <source>A green health code is required (or a recorded reason)</source>
        <translation>A green health code is required (or a recorded reason)</translation>
    </message>
    <message>
        <source>Health codes are not checked</source>
        <translation>Health codes are not checked</translation>
    </message>
    <message>
        <source>Health code at sign-in</source>
        <translation>Health code at sign-in</translation>
    </message>
    <message>
        <source>Observation seats</source>
        <translation>Observation seats</translation>
    </message>
    <message>
        <source>Lock when idle after (minutes)</source>
        <translation>Lock when idle after (minutes)</translation>
    </message>
    <message>
        <source>Low-stock margin (doses)</source>
        <translation>Low-stock margin (doses)</translation>
    </message>
    <message>
        <source>empty: the site's rule</source>
        <translation>empty: the site's rule</translation>
    </message>
    <message>
        <source>Observation slips</source>
        <translation>Observation slips</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>Printer</translation>
    </message>
    <message>
        <source>80 mm receipt roll</source>
        <translation>80 mm receipt roll</translation>
    </message>
    <message>
        <source>A6 sheet</source>
        <translation>A6 sheet</translation>
    </message>
    <message>
        <source>Slip paper</source>
        <translation>Slip paper</translation>
    </message>
    <message>
        <source>Emergency phone (on the slip)</source>
        <translation>Emergency phone (on the slip)</translation>
    </message>
    <message>
        <source>Calling screen</source>
        <translation>Calling screen</translation>
    </message>
    <message>
        <source>Call volume (%)</source>
        <translation>Call volume (%)</translation>
    </message>
    <message>
        <source>0-100; 0: silent</source>
        <translation>0-100; 0: silent</translation>
    </message>
    <message>
        <source>Times each call is spoken</source>
        <translation>Times each call is spoken</translation>
    </message>
    <message>
        <source>The site's day</source>
        <translation>The site's day</translation>
    </message>
    <message>
        <source>Opening time (daily checklist due)</source>
        <translation>Opening time (daily checklist due)</translation>
    </message>
    <message>
        <source>HH:MM; empty: the site's rule</source>
        <translation>HH:MM; empty: the site's rule</translation>
    </message>
    <message>
        <source>On-line booking page (QR on the signs)</source>
        <translation>On-line booking page (QR on the signs)</translation>
    </message>
    <message>
        <source>https://...; empty: no QR</source>
        <translation>https://...; empty: no QR</translation>
    </message>
    <message>
        <source>Staff may correct their own records for (minutes)</source>
        <translation>Staff may correct their own records for (minutes)</translation>
    </message>
    <message>
        <source>0-1440; after it only the admin</source>
        <translation>0-1440; after it only the admin</translation>
    </message>
    <message>
        <source>Refuse records stamped ahead of this clock by (hours)</source>
        <translation>Refuse records stamped ahead of this clock by (hours)</translation>
    </message>
    <message>
        <source>Hub or server</source>
        <translation>Hub or server</translation>
    </message>
    <message>
        <source>Join or change on the Sync tab</source>
        <translation>Join or change on the Sync tab</translation>
    </message>
    <message>
        <source>Save and apply</source>
        <translation>Save and apply</translation>
    </message>
    <message>
        <source>Undo changes</source>
        <translation>Undo changes</translation>
    </message>
    <message>
        <source>The system's default printer</source>
        <translation>The system's default printer</translation>
    </message>
    <message>
        <source>{name} (not found on this laptop)</source>
        <translation>{name} (not found on this laptop)</translation>
    </message>
    <message>
        <source>Joined to {url}</source>
        <translation>Joined to {url}</translation>
    </message>
    <message>
        <source>Not joined: this laptop works alone</source>
        <translation>Not joined: this laptop works alone</translation>
    </message>
    <message>
        <source>Call voice: {engine}</source>
        <translation>Call voice: {engine}</translation>
    </message>
    <message>
        <source>Call voice not available: {reason}</source>
        <translation>Call voice not available: {reason}</translation>
    </message>
    <message>
        <source>Not saved: correct the marked values first. {reasons}</source>
        <translation>Not saved: correct the marked values first. {reasons}</translation>
    </message>
    <message>
        <source>Settings saved and in force</source>
        <translation>Settings saved and in force</translation>
    </message>
    <message>
        <source>Settings in force for this run (this station has no settings file)</source>
        <translation>Settings in force for this run (this station has no settings file)</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Scan the code or type the ID number, then Enter</source>
        <translation>Scan the code or type the ID number, then Enter</translation>
    </message>
    <message>
        <source>The camera to scan with</source>
        <translation>The camera to scan with</translation>
    </message>
    <message>
        <source>Camera (F9)</source>
        <translation>Camera (F9)</translation>
    </message>
    <message>
        <source>Sign in (Enter)</source>
        <translation>Sign in (Enter)</translation>
    </message>
    <message>
        <source>Walk-in registration (no booking today)</source>
        <translation>Walk-in registration (no booking today)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Document</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>Employer / unit</source>
        <translation>Employer / unit</translation>
    </message>
    <message>
        <source>Queue number</source>
        <translation>Queue number</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>Sign-in</translation>
    </message>
    <message>
        <source>Resident ID card</source>
        <translation>Resident ID card</translation>
    </message>
    <message>
        <source>Passport</source>
        <translation>Passport</translation>
    </message>
    <message>
        <source>Hong Kong/Macao permit</source>
        <translation>Hong Kong/Macao permit</translation>
    </message>
    <message>
        <source>Taiwan permit</source>
        <translation>Taiwan permit</translation>
    </message>
    <message>
        <source>Foreigner's permanent residence ID</source>
        <translation>Foreigner's permanent residence ID</translation>
    </message>
    <message>
        <source>Other document</source>
        <translation>Other document</translation>
    </message>
    <message>
        <source>Camera {n}</source>
        <translation>Camera {n}</translation>
    </message>
    <message>
        <source>Demo pictures (no camera)</source>
        <translation>Demo pictures (no camera)</translation>
    </message>
    <message>
        <source>This is the exit code of an observation slip: scan it at the observation exit</source>
        <translation>This is the exit code of an observation slip: scan it at the observation exit</translation>
    </message>
    <message>
        <source>Health code read by the scanner gun, which cannot see its colour: look at the phone. Green: scan the booking QR or ID card</source>
        <translation>Health code read by the scanner gun, which cannot see its colour: look at the phone. Green: scan the booking QR or ID card</translation>
    </message>
    <message>
        <source>Health code green: press Enter to sign in</source>
        <translation>Health code green: press Enter to sign in</translation>
    </message>
    <message>
        <source>Health code green: now scan the booking QR or ID card</source>
        <translation>Health code green: now scan the booking QR or ID card</translation>
    </message>
    <message>
        <source>Booking found: check the ID card, then press Enter</source>
        <translation>Booking found: check the ID card, then press Enter</translation>
    </message>
    <message>
        <source>Queue number {n}</source>
        <translation>Queue number {n}</translation>
    </message>
    <message>
        <source>Slot {slot}</source>
        <translation>Slot {slot}</translation>
    </message>
    <message>
        <source>Series complete</source>
        <translation>Series complete</translation>
    </message>
    <message>
        <source>Due: dose {n}</source>
        <translation>Due: dose {n}</translation>
    </message>
    <message>
        <source> (booster)</source>
        <translation> (booster)</translation>
    </message>
    <message>
        <source>Booking {no} is not in this station's list: register as a walk-in</source>
        <translation>Booking {no} is not in this station's list: register as a walk-in</translation>
    </message>
    <message>
        <source>No booking today: register as a walk-in</source>
        <translation>No booking today: register as a walk-in</translation>
    </message>
    <message>
        <source>Signed in: queue number {n}. Please go to pre-screen</source>
        <translation>Signed in: queue number {n}. Please go to pre-screen</translation>
    </message>
    <message>
        <source>Pick or type the reason</source>
        <translation>Pick or type the reason</translation>
    </message>
    <message>
        <source>No green health code seen, because:</source>
        <translation>No green health code seen, because:</translation>
    </message>
    <message>
        <source>Register and sign in (Enter)</source>
        <translation>Register and sign in (Enter)</translation>
    </message>
    <message>
        <source>No smartphone (elderly person, child)</source>
        <translation>No smartphone (elderly person, child)</translation>
    </message>
    <message>
        <source>Health code cannot be opened (network or app down)</source>
        <translation>Health code cannot be opened (network or app down)</translation>
    </message>
    <message>
        <source>Paper health certificate checked</source>
        <translation>Paper health certificate checked</translation>
    </message>
    <message>
        <source>Already signed in: queue number {n}</source>
        <translation>Already signed in: queue number {n}</translation>
    </message>
    <message>
        <source>Health code green: fill in the registration, then press Enter</source>
        <translation>Health code green: fill in the registration, then press Enter</translation>
    </message>
    <message>
        <source>Booking found: check the ID card and scan the health code (or give the reason there is none), then press Enter</source>
        <translation>Booking found: check the ID card and scan the health code (or give the reason there is none), then press Enter</translation>
    </message>
    <message>
        <source>Scan the health code, or give the reason there is none</source>
        <translation>Scan the health code, or give the reason there is none</translation>
    </message>
    <message>
        <source>Without a green health code: {reason}</source>
        <translation>Without a green health code: {reason}</translation>
    </message>
    <message>
        <source>Camera: {text}</source>
        <translation>Camera: {text}</translation>
    </message>
</context>
<context>
    <name>SlipPrinter</name>
    <message>
        <source>The printer “{name}” was not found</source>
        <translation>The printer “{name}” was not found</translation>
    </message>
    <message>
        <source>No printer is set up on this computer</source>
        <translation>No printer is set up on this computer</translation>
    </message>
    <message>
        <source>No. {n}: the slip's copy was not saved: {why}</source>
        <translation>No. {n}: the slip's copy was not saved: {why}</translation>
    </message>
    <message>
        <source>the slip was saved as {path}</source>
        <translation>the slip was saved as {path}</translation>
    </message>
    <message>
        <source>the slip was not saved either</source>
        <translation>the slip was not saved either</translation>
    </message>
    <message>
        <source>No. {n}: not printed: {problem}; {where}</source>
        <translation>No. {n}: not printed: {problem}; {where}</translation>
    </message>
    <message>
        <source>no printer</source>
        <translation>no printer</translation>
    </message>
    <message>
        <source>Observation slip {n}</source>
        <translation>Observation slip {n}</translation>
    </message>
    <message>
        <source>No. {n}: the printer “{name}” could not start printing</source>
        <translation>No. {n}: the printer “{name}” could not start printing</translation>
    </message>
    <message>
        <source>Print preview: observation slip</source>
        <translation>Print preview: observation slip</translation>
    </message>
    <message>
        <source>The slip could not be printed: {why}</source>
        <translation>The slip could not be printed: {why}</translation>
    </message>
</context>
<context>
    <name>Speaker</name>
    <message>
        <source>the speech program could not be started</source>
        <translation>the speech program could not be started</translation>
    </message>
    <message>
        <source>turned off (STATION_VOICE=off)</source>
        <translation>turned off (STATION_VOICE=off)</translation>
    </message>
    <message>
        <source>Windows PowerShell was not found</source>
        <translation>Windows PowerShell was not found</translation>
    </message>
    <message>
        <source>espeak-ng is not installed (apt-get install espeak-ng)</source>
        <translation>espeak-ng is not installed (apt-get install espeak-ng)</translation>
    </message>
    <message>
        <source>espeak-ng has no Mandarin voice (cmn)</source>
        <translation>espeak-ng has no Mandarin voice (cmn)</translation>
    </message>
    <message>
        <source>espeak-ng has no English voice</source>
        <translation>espeak-ng has no English voice</translation>
    </message>
</context>
<context>
    <name>StockPanel</name>
    <message>
        <source>Read only: receiving, counting and deciding on held lots are for the site admin (receive_stock).</source>
        <translation>Read only: receiving, counting and deciding on held lots are for the site admin (receive_stock).</translation>
    </message>
    <message>
        <source>Receiving (F6)</source>
        <translation>Receiving (F6)</translation>
    </message>
    <message>
        <source>Stock (F7)</source>
        <translation>Stock (F7)</translation>
    </message>
    <message>
        <source>Cold chain (F8)</source>
        <translation>Cold chain (F8)</translation>
    </message>
    <message>
        <source>Count (F9)</source>
        <translation>Count (F9)</translation>
    </message>
    <message>
        <source>Scan the carton's code (GS1 DataMatrix or 20-digit traceability code), then Enter</source>
        <translation>Scan the carton's code (GS1 DataMatrix or 20-digit traceability code), then Enter</translation>
    </message>
    <message>
        <source>No code scanned: type the delivery below, or scan a carton.</source>
        <translation>No code scanned: type the delivery below, or scan a carton.</translation>
    </message>
    <message>
        <source>(choose the vaccine)</source>
        <translation>(choose the vaccine)</translation>
    </message>
    <message>
        <source>as printed on the carton</source>
        <translation>as printed on the carton</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>number on the delivery note</source>
        <translation>number on the delivery note</translation>
    </message>
    <message>
        <source>Vaccine</source>
        <translation>Vaccine</translation>
    </message>
    <message>
        <source>Manufacturer</source>
        <translation>Manufacturer</translation>
    </message>
    <message>
        <source>Lot number</source>
        <translation>Lot number</translation>
    </message>
    <message>
        <source>Expiry date</source>
        <translation>Expiry date</translation>
    </message>
    <message>
        <source>Doses per vial</source>
        <translation>Doses per vial</translation>
    </message>
    <message>
        <source>Vials</source>
        <translation>Vials</translation>
    </message>
    <message>
        <source>Delivery note</source>
        <translation>Delivery note</translation>
    </message>
    <message>
        <source>Goes into</source>
        <translation>Goes into</translation>
    </message>
    <message>
        <source>Receive (F5)</source>
        <translation>Receive (F5)</translation>
    </message>
    <message>
        <source>Clear the form</source>
        <translation>Clear the form</translation>
    </message>
    <message>
        <source>Received by</source>
        <translation>Received by</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Lot</source>
        <translation>Lot</translation>
    </message>
    <message>
        <source>Doses</source>
        <translation>Doses</translation>
    </message>
    <message>
        <source>Carton code</source>
        <translation>Carton code</translation>
    </message>
    <message>
        <source>Fridge</source>
        <translation>Fridge</translation>
    </message>
    <message>
        <source>Received today</source>
        <translation>Received today</translation>
    </message>
    <message>
        <source>GS1 code: {vaccine}, GTIN {gtin}, lot {lot}, expiry {expiry}, serial {serial}</source>
        <translation>GS1 code: {vaccine}, GTIN {gtin}, lot {lot}, expiry {expiry}, serial {serial}</translation>
    </message>
    <message>
        <source>Code read: check the vials and the delivery note, then Receive (F5)</source>
        <translation>Code read: check the vials and the delivery note, then Receive (F5)</translation>
    </message>
    <message>
        <source>Traceability code: {vaccine}, product code {product_code}, serial {serial}</source>
        <translation>Traceability code: {vaccine}, product code {product_code}, serial {serial}</translation>
    </message>
    <message>
        <source>Code read: this code carries no lot or expiry, type them from the carton</source>
        <translation>Code read: this code carries no lot or expiry, type them from the carton</translation>
    </message>
    <message>
        <source>The expiry date {text} is not a date: type it as YYYY-MM-DD</source>
        <translation>The expiry date {text} is not a date: type it as YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Received lot {lot}: {vials} vials, {doses} doses of {vaccine}. The lot now has {left} doses left.</source>
        <translation>Received lot {lot}: {vials} vials, {doses} doses of {vaccine}. The lot now has {left} doses left.</translation>
    </message>
    <message>
        <source>{code} (received twice: not counted)</source>
        <translation>{code} (received twice: not counted)</translation>
    </message>
    <message>
        <source>Received today: {n} receipts, {vials} vials</source>
        <translation>Received today: {n} receipts, {vials} vials</translation>
    </message>
    <message>
        <source>Expiry</source>
        <translation>Expiry</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Used</translation>
    </message>
    <message>
        <source>Wasted</source>
        <translation>Wasted</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>Vials in the fridge</source>
        <translation>Vials in the fridge</translation>
    </message>
    <message>
        <source>Doses per lot: received - used - wasted = left</source>
        <translation>Doses per lot: received - used - wasted = left</translation>
    </message>
    <message>
        <source>Overdrawn: more opened than received, check</source>
        <translation>Overdrawn: more opened than received, check</translation>
    </message>
    <message>
        <source>Quarantined: {reason}</source>
        <translation>Quarantined: {reason}</translation>
    </message>
    <message>
        <source>Held after a cold excursion: {why}</source>
        <translation>Held after a cold excursion: {why}</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>Used up</source>
        <translation>Used up</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>In use</translation>
    </message>
    <message>
        <source>{fridge} {celsius} at {time}</source>
        <translation>{fridge} {celsius} at {time}</translation>
    </message>
    <message>
        <source>{vaccine}: all lots</source>
        <translation>{vaccine}: all lots</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Latest</source>
        <translation>Latest</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <source>From</source>
        <translation>From</translation>
    </message>
    <message>
        <source>By</source>
        <translation>By</translation>
    </message>
    <message>
        <source>Readings today</source>
        <translation>Readings today</translation>
    </message>
    <message>
        <source>Record a reading</source>
        <translation>Record a reading</translation>
    </message>
    <message>
        <source>now, or HH:MM</source>
        <translation>now, or HH:MM</translation>
    </message>
    <message>
        <source>°C, e.g. 4.6</source>
        <translation>°C, e.g. 4.6</translation>
    </message>
    <message>
        <source>Record reading (F5)</source>
        <translation>Record reading (F5)</translation>
    </message>
    <message>
        <source>Import logger CSV (F4)</source>
        <translation>Import logger CSV (F4)</translation>
    </message>
    <message>
        <source>Lots held after an excursion: use or quarantine</source>
        <translation>Lots held after an excursion: use or quarantine</translation>
    </message>
    <message>
        <source>Held because</source>
        <translation>Held because</translation>
    </message>
    <message>
        <source>Doses left</source>
        <translation>Doses left</translation>
    </message>
    <message>
        <source>Why (required): what was checked</source>
        <translation>Why (required): what was checked</translation>
    </message>
    <message>
        <source>Use it (F2)</source>
        <translation>Use it (F2)</translation>
    </message>
    <message>
        <source>Quarantine (F3)</source>
        <translation>Quarantine (F3)</translation>
    </message>
    <message>
        <source>no lot with doses left was in it</source>
        <translation>no lot with doses left was in it</translation>
    </message>
    <message>
        <source>held for your decision: {lots}</source>
        <translation>held for your decision: {lots}</translation>
    </message>
    <message>
        <source>Type the temperature in °C, e.g. 4.6</source>
        <translation>Type the temperature in °C, e.g. 4.6</translation>
    </message>
    <message>
        <source>Type the time as HH:MM, or leave it empty for now</source>
        <translation>Type the time as HH:MM, or leave it empty for now</translation>
    </message>
    <message>
        <source>{fridge}: {celsius} °C at {time} recorded</source>
        <translation>{fridge}: {celsius} °C at {time} recorded</translation>
    </message>
    <message>
        <source>{reading}, outside {range} °C: {held}</source>
        <translation>{reading}, outside {range} °C: {held}</translation>
    </message>
    <message>
        <source>The temperature logger's CSV export</source>
        <translation>The temperature logger's CSV export</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>CSV files (*.csv *.txt);;All files (*)</translation>
    </message>
    <message>
        <source>{fridge}: {read} readings read from {file}, {new} new, {outside} outside {range} °C</source>
        <translation>{fridge}: {read} readings read from {file}, {new} new, {outside} outside {range} °C</translation>
    </message>
    <message>
        <source>{imported}; {held}</source>
        <translation>{imported}; {held}</translation>
    </message>
    <message>
        <source>No lot is held: nothing to decide</source>
        <translation>No lot is held: nothing to decide</translation>
    </message>
    <message>
        <source>Choose the lot in the table first</source>
        <translation>Choose the lot in the table first</translation>
    </message>
    <message>
        <source>Lot {lot} is back in use: your reason is recorded</source>
        <translation>Lot {lot} is back in use: your reason is recorded</translation>
    </message>
    <message>
        <source>Lot {lot} is quarantined: it will not be used again</source>
        <translation>Lot {lot} is quarantined: it will not be used again</translation>
    </message>
    <message>
        <source>Readings due today ({range} °C)</source>
        <translation>Readings due today ({range} °C)</translation>
    </message>
    <message>
        <source>Readings today ({range} °C)</source>
        <translation>Readings today ({range} °C)</translation>
    </message>
    <message>
        <source>later</source>
        <translation>later</translation>
    </message>
    <message>
        <source>due now</source>
        <translation>due now</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>missing</translation>
    </message>
    <message>
        <source>{celsius}: outside {range} °C</source>
        <translation>{celsius}: outside {range} °C</translation>
    </message>
    <message>
        <source>logger</source>
        <translation>logger</translation>
    </message>
    <message>
        <source>typed</source>
        <translation>typed</translation>
    </message>
    <message>
        <source>Readings today: {n}, {outside} outside {range} °C</source>
        <translation>Readings today: {n}, {outside} outside {range} °C</translation>
    </message>
    <message>
        <source>Record count (F5)</source>
        <translation>Record count (F5)</translation>
    </message>
    <message>
        <source>Count the vials in the fridge and the doses left (open vials included). Where the doses differ from the expected, say why.</source>
        <translation>Count the vials in the fridge and the doses left (open vials included). Where the doses differ from the expected, say why.</translation>
    </message>
    <message>
        <source>Expected doses</source>
        <translation>Expected doses</translation>
    </message>
    <message>
        <source>Counted vials</source>
        <translation>Counted vials</translation>
    </message>
    <message>
        <source>Counted doses</source>
        <translation>Counted doses</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Difference</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>Counts recorded today</source>
        <translation>Counts recorded today</translation>
    </message>
    <message>
        <source>Open at desks</source>
        <translation>Open at desks</translation>
    </message>
    <message>
        <source>Reason (if different)</source>
        <translation>Reason (if different)</translation>
    </message>
    <message>
        <source>No lot received yet: nothing to count</source>
        <translation>No lot received yet: nothing to count</translation>
    </message>
    <message>
        <source>vials</source>
        <translation>vials</translation>
    </message>
    <message>
        <source>doses</source>
        <translation>doses</translation>
    </message>
    <message>
        <source>required: why they differ</source>
        <translation>required: why they differ</translation>
    </message>
    <message>
        <source>Lot {lot}: type the vials and the doses counted, as whole numbers</source>
        <translation>Lot {lot}: type the vials and the doses counted, as whole numbers</translation>
    </message>
    <message>
        <source>Type the vials and doses counted for at least one lot</source>
        <translation>Type the vials and doses counted for at least one lot</translation>
    </message>
    <message>
        <source>Count recorded for {n} lots; differences: {list}</source>
        <translation>Count recorded for {n} lots; differences: {list}</translation>
    </message>
    <message>
        <source>{lot} {difference} doses</source>
        <translation>{lot} {difference} doses</translation>
    </message>
    <message>
        <source>Count recorded for {n} lots: everything matches</source>
        <translation>Count recorded for {n} lots: everything matches</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Sync state</source>
        <translation>Sync state</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Now</translation>
    </message>
    <message>
        <source>Hub</source>
        <translation>Hub</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Held back</source>
        <translation>Held back</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Join the site's hub</source>
        <translation>Join the site's hub</translation>
    </message>
    <message>
        <source>On the hub: station-server enroll --site SITE prints a one-time code and its QR. Pick the hub found on the network (or type its address), then type or scan the code.</source>
        <translation>On the hub: station-server enroll --site SITE prints a one-time code and its QR. Pick the hub found on the network (or type its address), then type or scan the code.</translation>
    </message>
    <message>
        <source>Find hubs on the network</source>
        <translation>Find hubs on the network</translation>
    </message>
    <message>
        <source>ABCD-EFGH-JKLM, or scan the code's QR</source>
        <translation>ABCD-EFGH-JKLM, or scan the code's QR</translation>
    </message>
    <message>
        <source>Hub address</source>
        <translation>Hub address</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>Enrollment code</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Join</translation>
    </message>
    <message>
        <source>{url} · site {site} · server {server}</source>
        <translation>{url} · site {site} · server {server}</translation>
    </message>
    <message>
        <source>Not joined: this laptop works alone</source>
        <translation>Not joined: this laptop works alone</translation>
    </message>
    <message>
        <source>Station {station} · recorded here {local} · acknowledged by the hub {acked} · refused by the hub {rejected} · last error: {error}</source>
        <translation>Station {station} · recorded here {local} · acknowledged by the hub {acked} · refused by the hub {rejected} · last error: {error}</translation>
    </message>
    <message>
        <source>Laptop {origin}: its record {seq} is stamped {stamp}, {hours} hours ahead of this laptop's clock; {count} records held back. Check that laptop's date and time.</source>
        <translation>Laptop {origin}: its record {seq} is stamped {stamp}, {hours} hours ahead of this laptop's clock; {count} records held back. Check that laptop's date and time.</translation>
    </message>
    <message>
        <source>None</source>
        <translation>None</translation>
    </message>
    <message>
        <source>Looking for hubs on the network...</source>
        <translation>Looking for hubs on the network...</translation>
    </message>
    <message>
        <source>{n} hub(s) found</source>
        <translation>{n} hub(s) found</translation>
    </message>
    <message>
        <source>No hub found on the network: type its address</source>
        <translation>No hub found on the network: type its address</translation>
    </message>
    <message>
        <source>Only a site admin may join this laptop to a hub</source>
        <translation>Only a site admin may join this laptop to a hub</translation>
    </message>
    <message>
        <source>Type or scan the enrollment code</source>
        <translation>Type or scan the enrollment code</translation>
    </message>
    <message>
        <source>Joining...</source>
        <translation>Joining...</translation>
    </message>
    <message>
        <source>Joined {url} (site {site})</source>
        <translation>Joined {url} (site {site})</translation>
    </message>
    <message>
        <source>Syncing...</source>
        <translation>Syncing...</translation>
    </message>
    <message>
        <source>Does the district hold everything recorded here?</source>
        <translation>Does the district hold everything recorded here?</translation>
    </message>
    <message>
        <source>Check now</source>
        <translation>Check now</translation>
    </message>
    <message>
        <source>Close the day</source>
        <translation>Close the day</translation>
    </message>
    <message>
        <source>The day's export file (station export --day D --out FILE)</source>
        <translation>The day's export file (station export --day D --out FILE)</translation>
    </message>
    <message>
        <source>Close the day offline with this file</source>
        <translation>Close the day offline with this file</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>Held</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Missing</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>Export file</source>
        <translation>Export file</translation>
    </message>
    <message>
        <source>Not checked yet: press Check now</source>
        <translation>Not checked yet: press Check now</translation>
    </message>
    <message>
        <source>The district</source>
        <translation>The district</translation>
    </message>
    <message>
        <source>The server</source>
        <translation>The server</translation>
    </message>
    <message>
        <source>{who} holds everything recorded here up to {until} (checked at {checked})</source>
        <translation>{who} holds everything recorded here up to {until} (checked at {checked})</translation>
    </message>
    <message>
        <source>The district has not confirmed now; at {at} it acknowledged everything up to {until} (checked at {checked})</source>
        <translation>The district has not confirmed now; at {at} it acknowledged everything up to {until} (checked at {checked})</translation>
    </message>
    <message>
        <source>The district has not confirmed (checked at {checked})</source>
        <translation>The district has not confirmed (checked at {checked})</translation>
    </message>
    <message>
        <source>{who} lacks {n} records held here; complete up to {until} (checked at {checked})</source>
        <translation>{who} lacks {n} records held here; complete up to {until} (checked at {checked})</translation>
    </message>
    <message>
        <source>{who} lacks {n} records held here (checked at {checked})</source>
        <translation>{who} lacks {n} records held here (checked at {checked})</translation>
    </message>
    <message>
        <source>The hub holds everything recorded here</source>
        <translation>The hub holds everything recorded here</translation>
    </message>
    <message>
        <source>The hub lacks {n} records held here</source>
        <translation>The hub lacks {n} records held here</translation>
    </message>
    <message>
        <source>Laptop {origin}: seq {ranges} ({n} records)</source>
        <translation>Laptop {origin}: seq {ranges} ({n} records)</translation>
    </message>
    <message>
        <source>Laptop {origin}: seq {ranges} differ from the server's copy</source>
        <translation>Laptop {origin}: seq {ranges} differ from the server's copy</translation>
    </message>
    <message>
        <source>{day}: not closed</source>
        <translation>{day}: not closed</translation>
    </message>
    <message>
        <source>{day}: closed as synced at {at} by {staff}</source>
        <translation>{day}: closed as synced at {at} by {staff}</translation>
    </message>
    <message>
        <source>{day}: closed offline at {at} by {staff} (export file sha256 {sha})</source>
        <translation>{day}: closed offline at {at} by {staff} (export file sha256 {sha})</translation>
    </message>
    <message>
        <source>Checking with the server...</source>
        <translation>Checking with the server...</translation>
    </message>
    <message>
        <source>Only a site admin may close the day</source>
        <translation>Only a site admin may close the day</translation>
    </message>
    <message>
        <source>The day is closed: everything recorded here is held</source>
        <translation>The day is closed: everything recorded here is held</translation>
    </message>
    <message>
        <source>The day is closed offline; export file sha256 {sha}</source>
        <translation>The day is closed offline; export file sha256 {sha}</translation>
    </message>
</context>
<context>
    <name>SyncState</name>
    <message>
        <source>Sync: not set up (this laptop works alone)</source>
        <translation>Sync: not set up (this laptop works alone)</translation>
    </message>
    <message>
        <source>Sync stopped: {reason} · {n} waiting</source>
        <translation>Sync stopped: {reason} · {n} waiting</translation>
    </message>
    <message>
        <source>Offline since {time} · {n} waiting</source>
        <translation>Offline since {time} · {n} waiting</translation>
    </message>
    <message>
        <source>Sync: connecting · {n} waiting</source>
        <translation>Sync: connecting · {n} waiting</translation>
    </message>
    <message>
        <source>Synced {s} s ago · {n} waiting</source>
        <translation>Synced {s} s ago · {n} waiting</translation>
    </message>
    <message>
        <source>Synced {s} s ago</source>
        <translation>Synced {s} s ago</translation>
    </message>
</context>
<context>
    <name>TemperatureBox</name>
    <message>
        <source>not measured</source>
        <translation>not measured</translation>
    </message>
    <message>
        <source>Type the reading, e.g. 36.5 or 365, then Enter ({min}-{max} °C)</source>
        <translation>Type the reading, e.g. 36.5 or 365, then Enter ({min}-{max} °C)</translation>
    </message>
</context>
</TS>
