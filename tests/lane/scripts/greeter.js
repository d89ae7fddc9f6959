// Drives samples/automation's Greeter as a JScript user does: new ActiveXObject by ProgID,
// then late-bound calls through IDispatch. Run by cscript.exe under Wine; one PASS or FAIL
// line per check, then a summary line.
var checks = 0, failures = 0;

function check(ok, what) {
    checks++;
    if (!ok) failures++;
    WScript.Echo((ok ? "PASS" : "FAIL") + " jscript: " + what);
}

// A thrown COM error's number, as the unsigned HRESULT it is.
function hresult(e) {
    return ((e.number < 0 ? e.number + 0x100000000 : e.number)).toString(16);
}

var g = new ActiveXObject("Automation.Greeter");
check(typeof g == "object", "new ActiveXObject(\"Automation.Greeter\") gives an object");

var s = g.Greet("Ada");
check(s == "Hello, Ada!", "Greet(\"Ada\") -> \"" + s + "\"");
var n = g.Add(40000, 2345);
check(n === 42345, "Add(40000, 2345) -> " + n + " (typeof " + typeof n + ")");
n = g.Scale(1.25, true);
check(n === -2.5, "Scale(1.25, true) -> " + n);
check(g.Salutation == "Hello", "the Salutation property reads \"" + g.Salutation + "\"");
g.Salutation = "Hej";
check(g.Salutation == "Hej", "Salutation = \"Hej\" is read back: \"" + g.Salutation + "\"");
s = g.Greet("Ada");
check(s == "Hej, Ada!", "Greet uses the property set: \"" + s + "\"");

var twin = g.Twin();
s = twin.Greet("Bob");
check(s == "Hej, Bob!", "Twin() gives an object that greets: \"" + s + "\"");
check(g.IsGreeter(twin) === true, "IsGreeter(twin) -> true (an object in)");

// A call that throws fails the section rather than ending the script; the count shows
// every check ran.
var before = checks;
try {
    // Arrays: a JScript array is an object, not a SAFEARRAY; a SAFEARRAY that a method returns
    // is read through VBArray, and can be handed back to a method as it came.
    var parts = g.Split("a,2,True");
    var vb = new VBArray(parts);
    check(vb.dimensions() == 1 && vb.lbound(1) == 0 && vb.ubound(1) == 2,
        "Split(\"a,2,True\") gives a SAFEARRAY: VBArray bounds " + vb.lbound(1) + " to " + vb.ubound(1));
    var list = vb.toArray();
    check(list.length == 3 && list[0] === "a" && list[1] === 2 && list[2] === true,
        "... whose toArray() is [" + list.join(", ") + "] (" + typeof list[1] + ", " + typeof list[2] + ")");
    s = g.Join(parts, "-");
    check(s == "a-2-True", "Join(Split(...), \"-\"), the SAFEARRAY handed back -> \"" + s + "\"");
    check(new VBArray(g.Split("")).ubound(1) == -1, "Split(\"\") gives an empty SAFEARRAY");

    // VARIANT in: Describe reports the VARTYPE and value it received.
    s = g.Describe("hi");
    check(s == "8 String: hi", "Describe(\"hi\") -> \"" + s + "\"");
    s = g.Describe(7);
    check(s == "3 Long: 7", "Describe(7) -> \"" + s + "\" (JScript integers are VT_I4)");
    s = g.Describe(2.5);
    check(s == "5 Double: 2.5", "Describe(2.5) -> \"" + s + "\"");
    s = g.Describe(true);
    check(s == "11 Boolean: True", "Describe(true) -> \"" + s + "\"");
    s = g.Describe(null);
    check(s == "1 Null: Null", "Describe(null) -> \"" + s + "\"");
    s = g.Describe(parts);
    check(s == "8204 Variant(): {a, 2, True}", "Describe(a SAFEARRAY) -> \"" + s + "\"");

    // VARIANT out: Echo returns a copy of what it gets.
    check(g.Echo("x") === "x", "Echo(\"x\") -> \"x\"");
    list = new VBArray(g.Echo(parts)).toArray();
    check(list.join(",") == "a,2,true", "Echo(a SAFEARRAY) -> a SAFEARRAY of [" + list.join(", ") + "]");
} catch (e) {
    check(false, "arrays and VARIANTs: a call threw 0x" + hresult(e) + " (" + e.description + ")");
}
check(checks - before == 12, "every array and VARIANT check ran: " + (checks - before) + " of 12");

try {
    g.Greet("");
    check(false, "Greet(\"\") raises an error");
} catch (e) {
    check(hresult(e) == "80070057", "Greet(\"\") throws E_INVALIDARG: 0x" + hresult(e));
    check(e.description == "Greet needs a name", "... with the Rust code's message: \"" + e.description + "\"");
}
try {
    g.Add(2147483647, 1);
    check(false, "Add(2147483647, 1) raises an error");
} catch (e) {
    check(hresult(e) == "8002000a", "Add(2147483647, 1) throws DISP_E_OVERFLOW: 0x" + hresult(e));
    check(e.description == "2147483647 + 1 does not fit a long", "... with its message: \"" + e.description + "\"");
}

twin = null;
g = null;
WScript.Echo("cscript: " + checks + " checks, " + failures + " failures");
