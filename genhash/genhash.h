/*
 * genhash: fetch one URL the way HTTP_GET / SSL_GET do and print its
 * MD5 digest (with -v also the response headers and the body's size),
 * so the digest can be pasted into a url block.  The program genhash and
 * `tandem --genhash` both run genhash_main().
 */
#ifndef TANDEM_GENHASH_H
#define TANDEM_GENHASH_H

#include <stdio.h>

/* keepalived's genhash command line (without the program name's
 * meaning: argv[0] is only used in messages).  Returns the exit status. */
int genhash_main(int argc, char **argv);

#endif
