# json.awk - the JSON of the runner, in portable awk (run with LC_ALL=C).
#
#   awk -v mode=enc -f json.awk FILE      prints FILE as one JSON string
#   awk -v mode=dec -v out=F -f json.awk  reads a tool result object on
#       stdin, writes the decoded "content" to F (bytes, as they are) and
#       prints its "is_error" (true, false) or "none" when stdin is not a
#       result object.
BEGIN {
    for (i = 1; i < 32; i++) ctl[sprintf("%c", i)] = sprintf("\\u%04x", i)
    ctl["\n"] = "\\n"; ctl["\t"] = "\\t"; ctl["\r"] = "\\r"; ctl["\b"] = "\\b"; ctl["\f"] = "\\f"
    for (i = 0; i < 16; i++) hexv[substr("0123456789abcdef", i + 1, 1)] = i
    for (i = 10; i < 16; i++) hexv[substr("ABCDEF", i - 9, 1)] = i
}
function enc(s,   r, i, c) {
    r = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\") r = r "\\\\"
        else if (c == "\"") r = r "\\\""
        else if (c in ctl) r = r ctl[c]
        else r = r c
    }
    return r
}
function hex4(s,   k, v) {
    v = 0
    for (k = 1; k <= 4; k++) v = v * 16 + hexv[substr(s, k, 1)]
    return v
}
function utf8(c) {
    if (c < 128) return sprintf("%c", c)
    if (c < 2048) return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
    if (c < 65536) return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
    return sprintf("%c%c%c%c", 240 + int(c / 262144), 128 + int(c / 4096) % 64,
                   128 + int(c / 64) % 64, 128 + c % 64)
}
mode == "enc" { body = body (NR > 1 ? "\n" : "") $0; next }
mode == "dec" { body = body $0; next }
END {
    if (mode == "enc") { printf "\"%s\"", enc(body); exit 0 }
    p = index(body, "{\"content\":")
    if (p == 0) { print "none"; exit 0 }
    i = p + 11
    while (substr(body, i, 1) == " ") i++
    if (substr(body, i, 1) != "\"") { print "none"; exit 0 }
    i++; r = ""; L = length(body)
    # Runs of plain characters are taken whole: mawk's substr is cheap,
    # concatenating one character at a time is not.
    while (i <= L) {
        rest = substr(body, i)
        m = match(rest, /["\\]/)
        if (m == 0) { print "none"; exit 0 }
        r = r substr(rest, 1, m - 1); i += m - 1
        c = substr(body, i, 1)
        if (c == "\"") break
        e = substr(body, i + 1, 1); i += 2
        if (e == "n") r = r "\n"
        else if (e == "t") r = r "\t"
        else if (e == "r") r = r "\r"
        else if (e == "b") r = r "\b"
        else if (e == "f") r = r "\f"
        else if (e == "u") {
            v = hex4(substr(body, i, 4)); i += 4
            if (v >= 55296 && v < 56320 && substr(body, i, 2) == "\\u") {
                w = hex4(substr(body, i + 2, 4))
                if (w >= 56320 && w < 57344) { v = 65536 + (v - 55296) * 1024 + (w - 56320); i += 6 }
            }
            r = r utf8(v)
        } else r = r e
    }
    printf "%s", r > out
    rest = substr(body, i + 1)
    if (match(rest, /"is_error": *true/)) print "true"
    else if (match(rest, /"is_error": *false/)) print "false"
    else print "none"
}
