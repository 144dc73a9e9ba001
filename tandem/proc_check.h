/*
 * The check process's subsystem hooks (struct child_ops): today the IPVS
 * controller driven by the LVS config; the checkers join it later.
 */
#ifndef TANDEM_PROC_CHECK_H
#define TANDEM_PROC_CHECK_H

#include "tandem/child.h"

#ifdef WITH_LVS
extern const struct child_ops proc_check_ops;
#endif

#endif
