/*
 * net_limits.h - net/'s bounds on what a guest can make the host do or
 * hold now live, with every other host-side bound, in include/corral_bounds.h
 * (its "network" part).  Kept so that net/ files may go on including it.
 */
#ifndef NET_LIMITS_H
#define NET_LIMITS_H

#include "corral_bounds.h"

#endif
