/* hello.c - the smallest WASI program: what bench/startup.sh starts on
 * every runtime to measure start-up (it is not a bench/run.sh program). */
#include <stdio.h>

int main(void)
{
    puts("hello, world");
    return 0;
}
