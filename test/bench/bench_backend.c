/*
 * The real servers of the checker benchmark (check-scale): one process
 * that stands for thousands of them.  It listens on a few ports of the
 * wildcard address inside the benchmark's namespace, where every
 * 127.x.y.z is local, so each loopback address is a distinct real server
 * at no cost.  A "tcp" port accepts and closes (what TCP_CHECK needs); an
 * "http" port answers each request with a small 200 and closes.
 *
 * It is one epoll loop with non-blocking sockets so that it costs the
 * machine as little as possible: what the benchmark measures is the
 * check process, and a backend that forked or threaded per connection
 * would take the CPU from it.  It exits by itself after its time limit.
 *
 * usage: bench_backend SECONDS tcp:PORT|http:PORT...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTEN 8
#define MAX_FD 65536
#define REQ_MAX 2048

static const char reply[] =
	"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
	"Content-Length: 3\r\nConnection: close\r\n\r\nok\n";

struct conn {
	unsigned short used;	/* bytes of the request read so far */
	char buf[REQ_MAX];
};

static struct conn *conns[MAX_FD];
static int lfd[MAX_LISTEN];
static int lhttp[MAX_LISTEN];
static int nl;

static int listen_on(unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0) {
		perror("bench_backend: listen");
		exit(1);
	}
	return fd;
}

static void drop(int ep, int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	free(conns[fd]);
	conns[fd] = NULL;
	close(fd);
}

/* Read what the client sent; once the request's header is complete,
 * answer and close. */
static void on_data(int ep, int fd)
{
	struct conn *c = conns[fd];
	ssize_t n = read(fd, c->buf + c->used, sizeof(c->buf) - 1 - c->used);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(ep, fd);
		return;
	}
	c->used += (unsigned short)n;
	c->buf[c->used] = '\0';
	if (strstr(c->buf, "\r\n\r\n") || c->used >= sizeof(c->buf) - 1) {
		/* The socket buffer takes the whole small reply. */
		if (write(fd, reply, sizeof(reply) - 1) < 0)
			perror("bench_backend: write");
		drop(ep, fd);
	}
}

static void on_accept(int ep, int l, int http)
{
	for (int k = 0; k < 256; k++) {
		int fd = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };

		if (fd < 0)
			return;
		if (!http || fd >= MAX_FD || !(conns[fd] = calloc(1, sizeof(struct conn)))) {
			close(fd);
			continue;
		}
		ev.data.fd = fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			drop(ep, fd);
	}
}

int main(int argc, char **argv)
{
	struct epoll_event evs[256];
	time_t end;
	int ep;

	if (argc < 3 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: bench_backend SECONDS tcp:PORT|http:PORT...\n");
		return 2;
	}
	end = time(NULL) + atoi(argv[1]);
	ep = epoll_create1(EPOLL_CLOEXEC);
	for (int i = 2; i < argc && nl < MAX_LISTEN; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		char *colon = strchr(argv[i], ':');

		if (!colon) {
			fprintf(stderr, "bench_backend: expected tcp:PORT or http:PORT, got %s\n", argv[i]);
			return 2;
		}
		lhttp[nl] = !strncmp(argv[i], "http:", 5);
		lfd[nl] = listen_on((unsigned)atoi(colon + 1));
		ev.data.fd = lfd[nl];
		epoll_ctl(ep, EPOLL_CTL_ADD, lfd[nl], &ev);
		nl++;
	}
	while (time(NULL) < end) {
		int n = epoll_wait(ep, evs, 256, 1000);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd, l = -1;

			for (int k = 0; k < nl; k++)
				if (lfd[k] == fd)
					l = k;
			if (l >= 0)
				on_accept(ep, fd, lhttp[l]);
			else if (fd < MAX_FD && conns[fd])
				on_data(ep, fd);
		}
	}
	return 0;
}
