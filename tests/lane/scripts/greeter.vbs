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

' What an error left in Err, for a check's message.
Function Failed()
    Failed = ""
    If Err.Number <> 0 Then Failed = " (error " & Hex(Err.Number) & ": " & Err.Description & ")"
End Function

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

' Arrays: VBScript's Array() is a SAFEARRAY of VARIANT, and so is what Split returns. (IsArray
' and Join are not implemented in Wine 8's VBScript: VarType and the elements are checked.)
' An error a call raises fails its check (Failed shows it) rather than ending the script.
On Error Resume Next
Dim parts, v, before
before = checks
Err.Clear
s = Empty
s = g.Join(Array("a", 1, True), ",")
Check Err.Number = 0 And (s = "a,1,True"), "Join(Array(""a"", 1, True), "","") -> """ & s & """ (a SAFEARRAY(VARIANT) in)" & Failed()
Err.Clear
s = Empty
s = g.Join(Array(), "-")
Check Err.Number = 0 And (s = ""), "Join(Array(), ""-"") -> """ & s & """ (an empty array)" & Failed()
parts = Array("x", 2.5, Null)
Err.Clear
s = Empty
s = g.Join(parts, "+")
Check Err.Number = 0 And (s = "x+2.5+Null"), "Join of an array variable, passed by reference -> """ & s & """" & Failed()
Err.Clear
parts = Empty
parts = g.Split("a,2,True")
Check Err.Number = 0 And (VarType(parts) = vbArray + vbVariant), "Split(""a,2,True"") gives an array of variants: VarType " & VarType(parts) & Failed()
Check Err.Number = 0 And (LBound(parts) = 0 And UBound(parts) = 2), "... with bounds " & LBound(parts) & " to " & UBound(parts) & Failed()
Check Err.Number = 0 And (parts(0) = "a" And VarType(parts(0)) = vbString), "... parts(0) = """ & parts(0) & """ (VarType " & VarType(parts(0)) & ")" & Failed()
Check Err.Number = 0 And (parts(1) = 2 And VarType(parts(1)) = vbLong), "... parts(1) = " & parts(1) & " (VarType " & VarType(parts(1)) & ")" & Failed()
Check Err.Number = 0 And (parts(2) = True And VarType(parts(2)) = vbBoolean), "... parts(2) = " & parts(2) & " (VarType " & VarType(parts(2)) & ")" & Failed()
Err.Clear
s = Empty
s = g.Join(g.Split("p,q,3"), "/")
Check Err.Number = 0 And (s = "p/q/3"), "Join(Split(""p,q,3""), ""/""), an array out and back in -> """ & s & """" & Failed()
Err.Clear
parts = Empty
parts = g.Split("")
Check Err.Number = 0 And (VarType(parts) = vbArray + vbVariant And UBound(parts) = -1), "Split("""") gives an empty array: UBound " & UBound(parts) & Failed()

' VARIANT in: Describe reports the VARTYPE and value it received.
Err.Clear
s = Empty
s = g.Describe("hi")
Check Err.Number = 0 And (s = "8 String: hi"), "Describe(""hi"") -> """ & s & """" & Failed()
Err.Clear
s = Empty
s = g.Describe(7)
Check Err.Number = 0 And (s = "2 Integer: 7"), "Describe(7) -> """ & s & """ (a small literal is an Integer)" & Failed()
Err.Clear
s = Empty
s = g.Describe(100000)
Check Err.Number = 0 And (s = "3 Long: 100000"), "Describe(100000) -> """ & s & """" & Failed()
Err.Clear
s = Empty
s = g.Describe(2.5)
Check Err.Number = 0 And (s = "5 Double: 2.5"), "Describe(2.5) -> """ & s & """" & Failed()
Err.Clear
s = Empty
s = g.Describe(True)
Check Err.Number = 0 And (s = "11 Boolean: True"), "Describe(True) -> """ & s & """" & Failed()
Err.Clear
s = Empty
s = g.Describe(Null)
Check Err.Number = 0 And (s = "1 Null: Null"), "Describe(Null) -> """ & s & """" & Failed()
Err.Clear
s = Empty
s = g.Describe(Empty)
Check Err.Number = 0 And (s = "0 Empty"), "Describe(Empty) -> """ & s & """" & Failed()
Err.Clear
s = Empty
s = g.Describe(Array(1, "b"))
Check Err.Number = 0 And (s = "8204 Variant(): {1, b}"), "Describe(Array(1, ""b"")) -> """ & s & """" & Failed()
Err.Clear
s = Empty
s = g.Describe(twin)
Check Err.Number = 0 And (s = "9 Object: Object"), "Describe(twin) -> """ & s & """" & Failed()
v = "by reference"
Err.Clear
s = Empty
s = g.Describe(v)
Check Err.Number = 0 And (s = "8 String: by reference"), "Describe of a variable, passed by reference -> """ & s & """" & Failed()

' VARIANT out: Echo returns a copy of what it gets.
Err.Clear
v = Empty
v = g.Echo(Array("e", 3))
Check Err.Number = 0 And (VarType(v) = vbArray + vbVariant), "Echo(Array(""e"", 3)) gives an array: VarType " & VarType(v) & Failed()
Check Err.Number = 0 And (UBound(v) = 1 And v(0) = "e" And v(1) = 3), "... of the same elements: " & v(0) & "," & v(1) & Failed()
Err.Clear
v = Empty
v = g.Echo(DateSerial(2024, 2, 29))
Check Err.Number = 0 And (VarType(v) = vbDate And v = DateSerial(2024, 2, 29)), "Echo(a date) -> VarType " & VarType(v) & Failed()
Err.Clear
v = Empty
v = g.Echo(Null)
Check Err.Number = 0 And (IsNull(v)), "Echo(Null) -> Null" & Failed()
On Error GoTo 0
' A statement that raises an error is skipped whole, its Check too: the count shows none was.
Check checks - before = 24, "every array and VARIANT check ran: " & (checks - before) & " of 24"

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
