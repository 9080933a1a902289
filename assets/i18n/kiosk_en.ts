<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>OrderDoneScreen</name>
    <message numerus="yes">
        <source>Back to the start in %n second(s).</source>
        <translation><numerusform>Back to the start in %n second.</numerusform><numerusform>Back to the start in %n seconds.</numerusform></translation>
    </message>
</context>
<context>
    <name>OrderPhoneScreen</name>
    <message numerus="yes">
        <source>%n more digit(s)</source>
        <translation><numerusform>%n more digit</numerusform><numerusform>%n more digits</numerusform></translation>
    </message>
</context>
<context>
    <name>RedeemCartScreen</name>
    <message numerus="yes">
        <source>%n point(s)</source>
        <translation><numerusform>%n point</numerusform><numerusform>%n points</numerusform></translation>
    </message>
</context>
<context>
    <name>RedeemDoneScreen</name>
    <message numerus="yes">
        <source>Back to the start in %n second(s).</source>
        <translation><numerusform>Back to the start in %n second.</numerusform><numerusform>Back to the start in %n seconds.</numerusform></translation>
    </message>
</context>
<context>
    <name>RedeemGiftsScreen</name>
    <message numerus="yes">
        <source>%n point(s)</source>
        <translation><numerusform>%n point</numerusform><numerusform>%n points</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%n-star volunteer</source>
        <translation><numerusform>%n-star volunteer</numerusform><numerusform>%n-star volunteer</numerusform></translation>
    </message>
</context>
<context>
    <name>TrackStatusScreen</name>
    <message numerus="yes">
        <source>You rated this service %n star(s). Thank you.</source>
        <translation><numerusform>You rated this service %n star. Thank you.</numerusform><numerusform>You rated this service %n stars. Thank you.</numerusform></translation>
    </message>
</context>
</TS>
