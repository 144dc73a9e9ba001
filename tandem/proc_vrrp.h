/* The vrrp process's hooks (see proc_vrrp.c). */
#ifndef TANDEM_PROC_VRRP_H
#define TANDEM_PROC_VRRP_H

#include "tandem/child.h"

#ifdef WITH_VRRP
extern const struct child_ops proc_vrrp_ops;
#endif

#endif
