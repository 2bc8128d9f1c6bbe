package main

func (st *FlexiAPIStack) newStatsLoadBalancer() {}
