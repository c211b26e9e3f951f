# fuzz.awk - makes mutants of JavaScript programs for the front end's
# fuzzer (fuzz.sh), deterministically from a seed, in any awk.
#
#   awk -v seed=S -v runs=N -v dir=DIR -f fuzz.awk PROGRAM.js...
#
# Writes DIR/I.js (I = 1..N) and prints one line per mutant: `I WHAT`.
# Each mutant is one program (or the splice of two: the first lines of one
# and the last lines of another) with 1 to 4 mutations: a token deleted,
# duplicated, swapped with another, or replaced; punctuation or a keyword
# inserted; a line deleted, duplicated or swapped.
function rnd(n) {    # Park-Miller: exact in doubles, the same in every awk
    state = (state * 16807) % 2147483647
    return state % n
}
function tokenize(text,   t, m) {    # text -> tok[1..ntok], spaces kept
    ntok = 0
    while (length(text) > 0) {
        if (match(text, /^[A-Za-z0-9_$]+/) || match(text, /^[ \t\n]+/)) t = substr(text, 1, RLENGTH)
        else t = substr(text, 1, 1)
        tok[++ntok] = t
        text = substr(text, length(t) + 1)
    }
}
function join_toks(   s, k) {
    s = ""
    for (k = 1; k <= ntok; k++) s = s tok[k]
    return s
}
function real_tok(   k, tries) {    # a random token that is not white space
    for (tries = 0; tries < 20; tries++) {
        k = 1 + rnd(ntok)
        if (tok[k] !~ /^[ \t\n]+$/) return k
    }
    return 1 + rnd(ntok)
}
function mutate_tokens(text, what,   k, j, t) {
    tokenize(text)
    if (ntok == 0) return text
    if (what == "delete-token") { tok[real_tok()] = "" }
    else if (what == "duplicate-token") { k = real_tok(); tok[k] = tok[k] " " tok[k] }
    else if (what == "swap-tokens") { k = real_tok(); j = real_tok(); t = tok[k]; tok[k] = tok[j]; tok[j] = t }
    else if (what == "replace-token") { tok[real_tok()] = ins[1 + rnd(nins)] }
    else { k = 1 + rnd(ntok); tok[k] = tok[k] ins[1 + rnd(nins)] }
    return join_toks()
}
function mutate_lines(text, what,   n, L, k, j, t, s) {
    n = split(text, L, "\n")
    if (n == 0) return text
    k = 1 + rnd(n); j = 1 + rnd(n)
    if (what == "delete-line") L[k] = ""
    else if (what == "duplicate-line") L[k] = L[k] "\n" L[k]
    else { t = L[k]; L[k] = L[j]; L[j] = t }
    s = L[1]
    for (k = 2; k <= n; k++) s = s "\n" L[k]
    return s
}
function head_lines(text, frac,   n, L, k, s, upto) {
    n = split(text, L, "\n"); upto = int(n * frac); s = ""
    for (k = 1; k <= upto; k++) s = s L[k] "\n"
    return s
}
function tail_lines(text, frac,   n, L, k, s) {
    n = split(text, L, "\n"); s = ""
    for (k = int(n * frac) + 1; k <= n; k++) s = s L[k] (k < n ? "\n" : "")
    return s
}
FNR == 1 { np++; prog[np] = $0; name[np] = FILENAME; next }
{ prog[np] = prog[np] "\n" $0 }
END {
    state = seed % 2147483646 + 1
    nins = split("( ) { } [ ] ; , . ... => ? ?. ?? : = == ** ++ -- ! ~ & | ^ + - * / % < > ` ${ ' \" # @ \\ " \
                 "let const var class extends super new.target yield yield* async await function* " \
                 "static get set of in instanceof typeof void delete new this null undefined " \
                 "return break continue throw try catch finally if else for while do switch case default " \
                 "#x 0x 1_ 1n 1e 09 .5 /re/g /[/ \\u{ \\u{110000} \"\\ '\\u", ins, " ")
    nwhat = split("delete-token duplicate-token swap-tokens replace-token insert delete-line duplicate-line swap-lines", whats, " ")
    for (r = 1; r <= runs; r++) {
        a = 1 + rnd(np)
        text = prog[a]; desc = name[a]
        if (rnd(5) == 0) {
            b = 1 + rnd(np)
            text = head_lines(text, 0.5) tail_lines(prog[b], 0.5)
            desc = desc "+" name[b]
        }
        nm = 1 + rnd(4)
        for (m = 0; m < nm; m++) {
            what = whats[1 + rnd(nwhat)]
            if (what ~ /line/) text = mutate_lines(text, what)
            else text = mutate_tokens(text, what)
            desc = desc " " what
        }
        f = dir "/" r ".js"
        printf "%s", text > f
        close(f)
        print r, desc
    }
}
