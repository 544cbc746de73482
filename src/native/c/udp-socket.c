/* Opening the socket: numeric address only (the JS side resolves names), IPV6_V6ONLY. No SO_REUSEADDR:
 * on Linux it would let a second server bind the same UDP port and silently share its traffic. */
#include "udp.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

static int fail(int fd, const char *call, const char **syscall) {
  int e = errno;
  if (fd >= 0) close(fd);
  *syscall = call;
  return -e;
}

int udp_socket_open(int family, const char *host, int port, const char **syscall) {
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (family == 6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) { errno = EINVAL; return fail(-1, "inet_pton", syscall); }
    len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) { errno = EINVAL; return fail(-1, "inet_pton", syscall); }
    len = sizeof *a;
  }
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(-1, "socket", syscall);
  int one = 1;
  if (family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
    return fail(fd, "setsockopt", syscall);
  int rcvbuf = 4 << 20; /* best effort; the kernel caps it at net.core.rmem_max */
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (bind(fd, (struct sockaddr *)&ss, len) != 0) return fail(fd, "bind", syscall);
  return fd;
}

int udp_socket_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return -errno;
  if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}
