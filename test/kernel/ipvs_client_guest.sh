#!/bin/sh
# In-guest part of ipvs_client.sh: the interfaces the cases need, then the
# test program.  tsync0 (a veth with an IPv4 address) carries the sync
# daemons; tdummy0 holds the VIP of the counter case so its packets stay in
# the VM.
ip link add tsync0 type veth peer name tsync1 &&
ip addr add 192.0.2.1/24 dev tsync0 &&
ip link set tsync0 up && ip link set tsync1 up &&
ip link add tdummy0 type dummy &&
ip addr add 10.70.0.1/32 dev tdummy0 &&
ip link set tdummy0 up || echo "# guest: interface setup failed"
exec ./ipvs_client_test
