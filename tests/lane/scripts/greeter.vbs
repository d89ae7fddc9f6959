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

' Arrays: VBScript's Array() is a SAFEARRAY of VARIANT, and so is what Split returns.
Dim parts, v
s = g.Join(Array("a", 1, True), ",")
Check s = "a,1,True", "Join(Array(""a"", 1, True), "","") -> """ & s & """ (a SAFEARRAY(VARIANT) in)"
s = g.Join(Array(), "-")
Check s = "", "Join(Array(), ""-"") -> """ & s & """ (an empty array)"
parts = Array("x", 2.5, Null)
s = g.Join(parts, "+")
Check s = "x+2.5+Null", "Join of an array variable, passed by reference -> """ & s & """"
parts = g.Split("a,2,True")
Check VarType(parts) = vbArray + vbVariant, "Split(""a,2,True"") gives an array of variants: VarType " & VarType(parts)
Check LBound(parts) = 0 And UBound(parts) = 2, "... with bounds " & LBound(parts) & " to " & UBound(parts)
Check parts(0) = "a" And VarType(parts(0)) = vbString, "... parts(0) = """ & parts(0) & """ (VarType " & VarType(parts(0)) & ")"
Check parts(1) = 2 And VarType(parts(1)) = vbLong, "... parts(1) = " & parts(1) & " (VarType " & VarType(parts(1)) & ")"
Check parts(2) = True And VarType(parts(2)) = vbBoolean, "... parts(2) = " & parts(2) & " (VarType " & VarType(parts(2)) & ")"
s = g.Join(g.Split("p,q,3"), "/")
Check s = "p/q/3", "Join(Split(""p,q,3""), ""/""), an array out and back in -> """ & s & """"
parts = g.Split("")
Check IsArray(parts) And UBound(parts) = -1, "Split("""") gives an empty array: UBound " & UBound(parts)

' VARIANT in: Describe reports the VARTYPE and value it received.
s = g.Describe("hi")
Check s = "8 String: hi", "Describe(""hi"") -> """ & s & """"
s = g.Describe(7)
Check s = "2 Integer: 7", "Describe(7) -> """ & s & """ (a small literal is an Integer)"
s = g.Describe(100000)
Check s = "3 Long: 100000", "Describe(100000) -> """ & s & """"
s = g.Describe(2.5)
Check s = "5 Double: 2.5", "Describe(2.5) -> """ & s & """"
s = g.Describe(True)
Check s = "11 Boolean: True", "Describe(True) -> """ & s & """"
s = g.Describe(Null)
Check s = "1 Null: Null", "Describe(Null) -> """ & s & """"
s = g.Describe(Empty)
Check s = "0 Empty", "Describe(Empty) -> """ & s & """"
s = g.Describe(Array(1, "b"))
Check s = "8204 Variant(): {1, b}", "Describe(Array(1, ""b"")) -> """ & s & """"
s = g.Describe(twin)
Check s = "9 Object: Object", "Describe(twin) -> """ & s & """"
v = "by reference"
s = g.Describe(v)
Check s = "8 String: by reference", "Describe of a variable, passed by reference -> """ & s & """"

' VARIANT out: Echo returns a copy of what it gets.
v = g.Echo(Array("e", 3))
Check IsArray(v), "Echo(Array(""e"", 3)) gives an array: VarType " & VarType(v)
Check UBound(v) = 1 And v(0) = "e" And v(1) = 3, "... of the same elements: " & Join(v, ",")
v = g.Echo(DateSerial(2024, 2, 29))
Check VarType(v) = vbDate And v = DateSerial(2024, 2, 29), "Echo(a date) -> VarType " & VarType(v)
v = g.Echo(Null)
Check IsNull(v), "Echo(Null) -> Null"

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
