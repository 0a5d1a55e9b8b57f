<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en">
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
        <source>Sync: not set up (this laptop works alone)</source>
        <translation>Sync: not set up (this laptop works alone)</translation>
    </message>
    <message>
        <source>Signed in {signed_in}  ·  waiting: pre-screen {wp} / injection {wi} / observation {wo}  ·  vaccinated {injected}  ·  observing {observing}  ·  turned away {turned_away}  ·  doses left {doses_left}  ·  bookings left {bookings_left}</source>
        <translation>Signed in {signed_in}  ·  waiting: pre-screen {wp} / injection {wi} / observation {wo}  ·  vaccinated {injected}  ·  observing {observing}  ·  turned away {turned_away}  ·  doses left {doses_left}  ·  bookings left {bookings_left}</translation>
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
        <source>Locked after being idle: log in again</source>
        <translation>Locked after being idle: log in again</translation>
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
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Scan the code or type the ID number, then Enter</source>
        <translation>Scan the code or type the ID number, then Enter</translation>
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
        <source>Register and sign in</source>
        <translation>Register and sign in</translation>
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
        <source>No booking today: register as a walk-in</source>
        <translation>No booking today: register as a walk-in</translation>
    </message>
    <message>
        <source>Signed in: queue number {n}. Please go to pre-screen</source>
        <translation>Signed in: queue number {n}. Please go to pre-screen</translation>
    </message>
</context>
</TS>