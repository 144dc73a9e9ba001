/* The genhash program: everything is in genhash.c (shared with
 * `tandem --genhash`). */
#include "genhash/genhash.h"

int main(int argc, char **argv)
{
	return genhash_main(argc, argv);
}
