<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>OrderDoneScreen</name>
    <message numerus="yes">
        <source>Back to the start in %n second(s).</source>
        <translation type="unfinished"><numerusform></numerusform></translation>
    </message>
</context>
<context>
    <name>OrderPhoneScreen</name>
    <message numerus="yes">
        <source>%n more digit(s)</source>
        <translation type="unfinished"><numerusform></numerusform></translation>
    </message>
</context>
<context>
    <name>RedeemCartScreen</name>
    <message numerus="yes">
        <source>%n point(s)</source>
        <translation type="unfinished"><numerusform></numerusform></translation>
    </message>
</context>
<context>
    <name>RedeemDoneScreen</name>
    <message numerus="yes">
        <source>Back to the start in %n second(s).</source>
        <translation type="unfinished"><numerusform></numerusform></translation>
    </message>
</context>
<context>
    <name>RedeemGiftsScreen</name>
    <message numerus="yes">
        <source>%n point(s)</source>
        <translation type="unfinished"><numerusform></numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n-star volunteer</source>
        <translation type="unfinished"><numerusform></numerusform></translation>
    </message>
</context>
<context>
    <name>TrackStatusScreen</name>
    <message numerus="yes">
        <source>You rated this service %n star(s). Thank you.</source>
        <translation type="unfinished"><numerusform></numerusform></translation>
    </message>
</context>
</TS>
