' Drives samples/automation's Greeter as a VBScript user does: CreateObject by ProgID, then
' late-bound calls, which the script engine makes through IDispatch (GetIDsOfNames, Invoke).
' Run by cscript.exe under Wine; one PASS or FAIL line per check, then a summary line.
Option Explicit

Dim checks, failures
checks = 0
failures = 0

Sub Check(ok, what)
    checks = checks + 1
    If ok Then
        WScript.Echo "PASS vbscript: " & what
    Else
        failures = failures + 1
        WScript.Echo "FAIL vbscript: " & what
    End If
End Sub

Dim g, s, n, d, twin
Set g = CreateObject("Automation.Greeter")
Check IsObject(g), "CreateObject(""Automation.Greeter"") gives an object"
Check TypeName(g) = "IGreeter", "TypeName is the type library's IGreeter: " & TypeName(g)

s = g.Greet("Ada")
Check s = "Hello, Ada!", "Greet(""Ada"") -> """ & s & """ (a string in, a string out)"
s = g.greet("Grace")
Check s = "Hello, Grace!", "greet(""Grace""), the name in another case -> """ & s & """"

n = g.Add(40000, 2345)
Check n = 42345 And VarType(n) = vbLong, "Add(40000, 2345) -> " & n & " (VarType " & VarType(n) & ")"
n = g.Add("40", 2)
Check n = 42, "Add(""40"", 2): the string is coerced to a long -> " & n
n = g.Scale(1.25, True)
Check n = -2.5 And VarType(n) = vbDouble, "Scale(1.25, True) -> " & n & " (a double and a boolean in)"
n = g.Scale(1.25, False)
Check n = 2.5, "Scale(1.25, False) -> " & n

Check g.Salutation = "Hello", "the Salutation property reads ""Hello"": """ & g.Salutation & """"
g.Salutation = "Bonjour"
Check g.Salutation = "Bonjour", "Salutation = ""Bonjour"" is read back: """ & g.Salutation & """"
s = g.Greet("Ada")
Check s = "Bonjour, Ada!", "Greet uses the property set: """ & s & """"

d = g.NextDay(DateSerial(2024, 2, 28))
Check VarType(d) = vbDate And d = DateSerial(2024, 2, 29), "NextDay(2024-02-28) -> " & Year(d) & "-" & Month(d) & "-" & Day(d) & " (a date in, a date out)"

Set twin = g.Twin()
Check TypeName(twin) = "IGreeter", "Twin() gives an object: " & TypeName(twin)
s = twin.Greet("Bob")
Check s = "Bonjour, Bob!", "the twin greets with its origin's salutation: """ & s & """"
Check g.IsGreeter(twin) = True, "IsGreeter(twin) -> True (an object in)"
Check g.IsGreeter(CreateObject("Scripting.Dictionary")) = False, "IsGreeter(a Scripting.Dictionary) -> False"

On Error Resume Next
s = g.Greet("")
Check Err.Number = &H80070057, "Greet("""") raises E_INVALIDARG: Err.Number " & Hex(Err.Number)
Check Err.Description = "Greet needs a name", "... with the Rust code's message: """ & Err.Description & """"
Check Err.Source = "Automation.Greeter", "... from its ProgID: """ & Err.Source & """"
Err.Clear
n = g.Add(2147483647, 1)
Check Err.Number = &H8002000A&, "Add(2147483647, 1) raises DISP_E_OVERFLOW: Err.Number " & Hex(Err.Number)
Check Err.Description = "2147483647 + 1 does not fit a long", "... with its message: """ & Err.Description & """"
Err.Clear
n = g.NoSuchMethod(1)
Check Err.Number = 438, "an unknown member raises 438 (Object doesn't support this property or method): " & Err.Number
Err.Clear
On Error GoTo 0

Set twin = Nothing
Set g = Nothing
WScript.Echo "cscript: " & checks & " checks, " & failures & " failures"
