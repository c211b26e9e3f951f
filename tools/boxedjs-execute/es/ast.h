/* ast.h - the syntax tree of an ES2022 script, as es/parse.c builds it.
 *
 * One node type for everything: a kind, an operator (a token, es/lex.h),
 * flags, the source position (line, column, byte span), up to four child
 * slots a..d and a child list (linked through `next`).  Nodes live in the
 * compile's arena (es_arena) and are freed with it, all at once.
 *
 * What each kind keeps where (a "list" is the linked list `list`):
 *
 *   statements
 *   ES_PROGRAM     list: statements
 *   ES_VAR         op: T_VAR/T_LET/T_CONST; list: ES_DECLARATOR
 *   ES_DECLARATOR  a: target (ES_IDENT or pattern), b: initialiser or NULL
 *   ES_FUNC_DECL   as ES_FUNC (a statement)
 *   ES_CLASS_DECL  as ES_CLASS (a statement)
 *   ES_EXPR_STMT   a: expression
 *   ES_BLOCK       list: statements
 *   ES_EMPTY, ES_DEBUGGER
 *   ES_IF          a: test, b: consequent, c: alternate or NULL
 *   ES_FOR         a: init (ES_VAR, expression or NULL), b: test, c: update,
 *                  d: body
 *   ES_FOR_IN      a: left (ES_VAR of one declarator, or a target),
 *   ES_FOR_OF         b: right, d: body; ES_FOR_OF with ES_F_AWAIT: for await
 *   ES_WHILE       a: test, d: body
 *   ES_DO_WHILE    d: body, a: test
 *   ES_RETURN      a: value or NULL
 *   ES_BREAK, ES_CONTINUE   str: label or NULL
 *   ES_THROW       a: value
 *   ES_TRY         a: block, b: catch parameter or NULL (also NULL for an
 *                  optional binding), c: catch block or NULL, d: finally or NULL
 *   ES_SWITCH      a: discriminant; list: ES_CASE
 *   ES_CASE        a: test or NULL (default); list: statements
 *   ES_LABELED     str: label; a: body
 *   ES_WITH        a: object; d: body
 *
 *   expressions
 *   ES_IDENT       str: name (escapes resolved); bind: its binding
 *   ES_NUM         num: value; str: source text
 *   ES_STR         str: source text, quotes included
 *   ES_REGEX       str: source text /body/flags
 *   ES_TEMPLATE    list: ES_TPL_STR (n+1 of them) and expressions,
 *                  alternating, starting with an ES_TPL_STR
 *   ES_TPL_STR     str: raw text (between ` or } and ${ or `); b: NULL
 *                  cooked is computed by the emitter; ES_F_BADESC when the
 *                  cooked value is undefined (tagged templates only)
 *   ES_TAGGED      a: tag; b: ES_TEMPLATE
 *   ES_NULL, ES_TRUE, ES_FALSE, ES_THIS, ES_SUPER, ES_NEW_TARGET
 *   ES_ARRAY       list: elements (ES_HOLE, ES_SPREAD or expressions)
 *   ES_HOLE        an elision in an array literal or pattern
 *   ES_OBJECT      list: ES_PROP
 *   ES_PROP        op: ES_P_INIT/GET/SET/METHOD/SHORTHAND/SPREAD;
 *                  a: key (ES_IDENT name, ES_STR, ES_NUM, or the expression
 *                  of a computed key with ES_F_COMPUTED); b: value (an
 *                  ES_FUNC for get/set/method; the ES_IDENT for shorthand;
 *                  the argument of a spread)
 *   ES_FUNC        str: name or NULL; a: ES_IDENT of the name or NULL;
 *                  list: parameters (ES_IDENT, patterns, ES_ASSIGN_PAT, ES_REST);
 *                  b: body (ES_BLOCK; for an arrow with ES_F_EXPRBODY, the
 *                  expression); flags ES_F_ARROW, ES_F_ASYNC, ES_F_GENERATOR,
 *                  ES_F_METHOD (object/class method: has a home object),
 *                  ES_F_STRICT (its body is strict), ES_F_SIMPLEPARAMS
 *                  (ES5 parameter list); scope: its function scope
 *   ES_CLASS       str: name or NULL; a: ES_IDENT or NULL; b: heritage
 *                  or NULL; list: ES_METHOD, ES_FIELD, ES_STATIC_BLOCK
 *   ES_METHOD      op: ES_P_METHOD/GET/SET/CTOR; a: key (as in ES_PROP, or
 *                  ES_PRIVATE); b: ES_FUNC; ES_F_STATIC, ES_F_COMPUTED
 *   ES_FIELD       a: key; b: initialiser or NULL; ES_F_STATIC, ES_F_COMPUTED
 *   ES_STATIC_BLOCK  list: statements; scope
 *   ES_PRIVATE     str: the name without '#'
 *   ES_UNARY       op: T_NOT T_TILDE T_PLUS T_MINUS T_TYPEOF T_VOID T_DELETE;
 *                  a: operand
 *   ES_UPDATE      op: T_INC/T_DEC; a: operand; ES_F_PREFIX
 *   ES_BINARY      op: the operator token (T_STARSTAR too; T_IN with an
 *                  ES_PRIVATE a for `#x in o`); a, b
 *   ES_LOGICAL     op: T_ANDAND T_OROR T_QQ; a, b
 *   ES_ASSIGN      op: T_ASSIGN or a compound (T_PLUSEQ ... T_QQEQ); a: target
 *                  (an ES_IDENT, ES_MEMBER, or a pattern for T_ASSIGN), b
 *   ES_COND        a: test, b: then, c: else
 *   ES_CALL        a: callee; list: arguments (ES_SPREAD allowed);
 *                  ES_F_OPTIONAL for `a?.()`
 *   ES_NEW         a: callee; list: arguments
 *   ES_MEMBER      a: object; b: property (ES_IDENT name, ES_PRIVATE, or the
 *                  expression with ES_F_COMPUTED); ES_F_OPTIONAL for `?.`
 *   ES_CHAIN       a: the whole optional chain (what `?.` short-circuits)
 *   ES_SEQ         list: expressions
 *   ES_SPREAD      a: argument (in arrays, calls, new)
 *   ES_YIELD       a: argument or NULL; ES_F_DELEGATE for yield*
 *   ES_AWAIT       a: argument
 *   ES_PAREN       a: expression (kept so the emitter can copy text and
 *                  know precedence)
 *
 *   patterns
 *   ES_ARRAY_PAT   list: ES_HOLE, targets, ES_ASSIGN_PAT, ES_REST
 *   ES_OBJECT_PAT  list: ES_PROP (op ES_P_INIT: a key, b target or
 *                  ES_ASSIGN_PAT; ES_P_SHORTHAND: b ES_IDENT or
 *                  ES_ASSIGN_PAT), ES_REST last
 *   ES_ASSIGN_PAT  a: target, b: default
 *   ES_REST        a: target
 *
 * Every node has line (1-based), col (1-based, in bytes) and the byte span
 * [start, end) of its source text.  `dirty` is set by es/scope.c when the
 * node (or anything under it) must be rewritten; a clean node is copied
 * as its source text.
 */
#ifndef ES_AST_H
#define ES_AST_H

#include <stddef.h>
#include <stdint.h>

enum es_kind {
    ES_PROGRAM = 1, ES_VAR, ES_DECLARATOR, ES_FUNC_DECL, ES_CLASS_DECL,
    ES_EXPR_STMT, ES_BLOCK, ES_EMPTY, ES_DEBUGGER, ES_IF, ES_FOR, ES_FOR_IN,
    ES_FOR_OF, ES_WHILE, ES_DO_WHILE, ES_RETURN, ES_BREAK, ES_CONTINUE,
    ES_THROW, ES_TRY, ES_SWITCH, ES_CASE, ES_LABELED, ES_WITH,

    ES_IDENT, ES_NUM, ES_STR, ES_REGEX, ES_TEMPLATE, ES_TPL_STR, ES_TAGGED,
    ES_NULL, ES_TRUE, ES_FALSE, ES_THIS, ES_SUPER, ES_NEW_TARGET,
    ES_ARRAY, ES_HOLE, ES_OBJECT, ES_PROP, ES_FUNC, ES_CLASS, ES_METHOD,
    ES_FIELD, ES_STATIC_BLOCK, ES_PRIVATE, ES_UNARY, ES_UPDATE, ES_BINARY,
    ES_LOGICAL, ES_ASSIGN, ES_COND, ES_CALL, ES_NEW, ES_MEMBER, ES_CHAIN,
    ES_SEQ, ES_SPREAD, ES_YIELD, ES_AWAIT, ES_PAREN,

    ES_ARRAY_PAT, ES_OBJECT_PAT, ES_ASSIGN_PAT, ES_REST,
    ES_KIND_COUNT
};

/* ES_PROP.op and ES_METHOD.op */
enum { ES_P_INIT = 1, ES_P_GET, ES_P_SET, ES_P_METHOD, ES_P_SHORTHAND,
       ES_P_SPREAD, ES_P_CTOR };

/* flags */
#define ES_F_COMPUTED    0x0001u
#define ES_F_OPTIONAL    0x0002u
#define ES_F_PREFIX      0x0004u
#define ES_F_STATIC      0x0008u
#define ES_F_ARROW       0x0010u
#define ES_F_ASYNC       0x0020u
#define ES_F_GENERATOR   0x0040u
#define ES_F_METHOD      0x0080u
#define ES_F_EXPRBODY    0x0100u
#define ES_F_DELEGATE    0x0200u
#define ES_F_AWAIT       0x0400u
#define ES_F_STRICT      0x0800u
#define ES_F_SIMPLEPARAMS 0x1000u
#define ES_F_BADESC      0x2000u
#define ES_F_DERIVED     0x4000u  /* ES_FUNC: constructor of a class with extends */
#define ES_F_CLASSCTOR   0x8000u  /* ES_FUNC: a class constructor */
#define ES_F_WRAPPER     0x10000u /* ES_FUNC: an arrow made by the lowering (called at once) */
#define ES_F_TRAILCOMMA  0x20000u /* ES_FUNC, ES_CALL, ES_NEW: `,)` (ES2017; not ES5) */

typedef struct es_node es_node;
typedef struct es_scope es_scope;
typedef struct es_binding es_binding;

struct es_node {
    uint16_t kind;          /* enum es_kind */
    uint16_t op;            /* a token (lex.h) or ES_P_* */
    uint32_t flags;         /* ES_F_* */
    uint8_t dirty;          /* must be rewritten (scope.c) */
    int line, col;          /* where it starts, 1-based */
    uint32_t start, end;    /* byte span in the source */
    es_node *a, *b, *c, *d;
    es_node *list;          /* first child of the list */
    es_node *next;          /* next sibling in a list */
    const char *str;        /* NUL-terminated, in the arena */
    double num;
    es_binding *bind;       /* ES_IDENT: what it refers to (NULL: global) */
    es_scope *scope;        /* scopes the node opens (function, block, ...) */
};

/* The arena: blocks of memory handed out in order, freed all at once. */
typedef struct es_arena_blk { struct es_arena_blk *prev; size_t used, cap; } es_arena_blk;
typedef struct {
    es_arena_blk *top;
    size_t total, limit;
    char *first;            /* optional first block (static): no malloc */
    size_t first_used, first_cap;
} es_arena;

void *es_alloc(es_arena *ar, size_t n);         /* zeroed; NULL past limit */
char *es_strndup(es_arena *ar, const char *s, size_t n);
/* a + the decimal n + b (b may be NULL), in the arena */
char *es_strnum(es_arena *ar, const char *a, long n, const char *b);
/* the concatenation of the strings up to a NULL, in the arena */
char *es_cat(es_arena *ar, ...);
void es_arena_free(es_arena *ar);

#endif
