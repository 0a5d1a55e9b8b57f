<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Set up this laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Site name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Station id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desk number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock when idle after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desks on this laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First administrator of this site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staff id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN (4-12 digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome. Set up this laptop for the vaccination point.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the site name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter this laptop&apos;s station id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose at least one desk</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>{site} · desk {desk}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staff: {name} ({id})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync: not set up (this laptop works alone)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in {signed_in}  ·  waiting: pre-screen {wp} / injection {wi} / observation {wo}  ·  vaccinated {injected}  ·  observing {observing}  ·  turned away {turned_away}  ·  doses left {doses_left}  ·  bookings left {bookings_left}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Staff login</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staff id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Vaccination Station — {site}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock (F12)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locked after being idle: log in again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PersonCard</name>
    <message>
        <source>{age} years</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>male</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>female</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pre-screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Injection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Observation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Site admin</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Scan the code or type the ID number, then Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Walk-in registration (no booking today)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Employer / unit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register and sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resident ID card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passport</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hong Kong/Macao permit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Taiwan permit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Foreigner&apos;s permanent residence ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booking found: check the ID card, then press Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue number {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slot {slot}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Series complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due: dose {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (booster)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No booking today: register as a walk-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in: queue number {n}. Please go to pre-screen</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
