#ifndef BREAKWATER_CLINUXSHIMS_H
#define BREAKWATER_CLINUXSHIMS_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#endif
