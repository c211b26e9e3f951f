# sjlj_sp.s - the part of setjmp that C cannot express: the shadow-stack
# pointer.  setjmp has no frame of its own, so __stack_pointer here is the
# caller's.  It hands that value to sjlj_setjmp (sjlj.c), and, when the call
# returns, which only happens on the second return (after asyncify has
# rewound the stack; the first return is an unwind that leaves through the
# instrumentation), it puts the value back: prologues are skipped during a
# rewind, so the shadow stack pointer would otherwise be the driver's.

	.globaltype __stack_pointer, i32
	.functype sjlj_setjmp (i32, i32) -> (i32)

	.text
	.globl setjmp
	.type setjmp,@function
setjmp:
	.functype setjmp (i32) -> (i32)
	.local i32
	local.get 0
	global.get __stack_pointer
	call sjlj_setjmp
	local.set 1
	local.get 0
	i32.load 0
	global.set __stack_pointer
	local.get 1
	end_function

	.globl sjlj_get_sp
	.type sjlj_get_sp,@function
sjlj_get_sp:
	.functype sjlj_get_sp () -> (i32)
	global.get __stack_pointer
	end_function

	.globl sjlj_set_sp
	.type sjlj_set_sp,@function
sjlj_set_sp:
	.functype sjlj_set_sp (i32) -> ()
	local.get 0
	global.set __stack_pointer
	end_function
