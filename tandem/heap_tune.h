/*
 * Exec once more without glibc's tcache: see heap_tune.c.
 */
#ifndef TANDEM_HEAP_TUNE_H
#define TANDEM_HEAP_TUNE_H

/* Exec the daemon once more without glibc's tcache (heap_tune.c);
 * returns when it is done or cannot be done. */
void heap_tune(char **argv);

#endif
