/*
 * LD_PRELOAD shim for the CPython socket-address oracle (tests/oracle/).
 *
 * Built at test time by tests/oracle/cpython.py (never committed as a binary).
 *
 * For file descriptors "armed" with oracle_arm(), the socket calls below never
 * reach the kernel:
 *   bind / connect / sendto / sendmsg      record the (address, addrlen) that
 *                                          the caller passed and succeed;
 *   getsockname / getpeername / recvfrom /
 *   recvmsg / accept / accept4             copy the injected address into the
 *                                          caller's buffer the way the kernel
 *                                          does: min(injected, *addrlen) bytes
 *                                          are copied and *addrlen is set to the
 *                                          full injected length.
 * Every other descriptor goes to the real libc function (dlsym(RTLD_NEXT)).
 *
 * Single-threaded use only (the oracle worker never runs two calls at once).
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifndef RTLD_NEXT
#define RTLD_NEXT ((void *)-1l)
#endif

#define ORACLE_MAX_ARMED 64
#define ORACLE_CAPTURE_CAP 65536
#define ORACLE_PRIMER_MAX 256

enum oracle_call {
    ORACLE_NONE = 0,
    ORACLE_BIND = 1,
    ORACLE_CONNECT = 2,
    ORACLE_SENDTO = 3,
    ORACLE_SENDMSG = 4,
    ORACLE_GETSOCKNAME = 5,
    ORACLE_GETPEERNAME = 6,
    ORACLE_RECVFROM = 7,
    ORACLE_RECVMSG = 8,
    ORACLE_ACCEPT = 9
};

static int armed_fds[ORACLE_MAX_ARMED];
static int n_armed;

static unsigned char captured[ORACLE_CAPTURE_CAP];
static long captured_len = -1; /* full addrlen passed by the caller, -1: none */
static int last_call = ORACLE_NONE;
static long hits;

static unsigned char *inject_buf;
static size_t inject_len;

/* One-shot "primer" injection: the next injecting call writes these bytes
 * (ignoring the caller's *addrlen, see oracle_set_primer_inject) instead. */
static unsigned char primer_buf[ORACLE_PRIMER_MAX];
static size_t primer_len;
static int primer_pending;
static long last_capacity = -1; /* *addrlen the caller offered last time */

/* Garbage simulation: an injecting call also fills its buffer from the size
 * the caller offered up to fill_upto with fill_byte (bytes that neither
 * CPython's memset nor the kernel would have written). */
static int fill_enabled;
static unsigned char fill_byte;
static size_t fill_upto;

typedef int (*bind_fn)(int, const struct sockaddr *, socklen_t);
typedef ssize_t (*sendto_fn)(int, const void *, size_t, int,
                             const struct sockaddr *, socklen_t);
typedef ssize_t (*sendmsg_fn)(int, const struct msghdr *, int);
typedef int (*getname_fn)(int, struct sockaddr *, socklen_t *);
typedef ssize_t (*recvfrom_fn)(int, void *, size_t, int, struct sockaddr *,
                               socklen_t *);
typedef ssize_t (*recvmsg_fn)(int, struct msghdr *, int);
typedef int (*accept4_fn)(int, struct sockaddr *, socklen_t *, int);

static void *real(const char *name) { return dlsym(RTLD_NEXT, name); }

static int is_armed(int fd) {
    for (int i = 0; i < n_armed; i++) {
        if (armed_fds[i] == fd) {
            return 1;
        }
    }
    return 0;
}

static void capture(int call, const void *addr, socklen_t len) {
    hits++;
    last_call = call;
    captured_len = (long)len;
    if (addr != NULL && len > 0) {
        size_t n = len < ORACLE_CAPTURE_CAP ? (size_t)len : ORACLE_CAPTURE_CAP;
        memcpy(captured, addr, n);
    }
}

static void inject(int call, void *addr, socklen_t *len) {
    hits++;
    last_call = call;
    if (len == NULL) {
        return;
    }
    if (primer_pending) {
        /* Fill the caller's on-stack sockaddr buffer (a 128-byte
         * sock_addr_t union in CPython) with a known pattern, even past the
         * length CPython asked for, so that a later call in the same stack
         * slot shows which bytes it reads without having written them. */
        primer_pending = 0;
        if (addr != NULL) {
            memcpy(addr, primer_buf, primer_len);
        }
        return; /* *len keeps the buffer size the caller offered */
    }
    last_capacity = (long)*len;
    if (addr != NULL && inject_len > 0) {
        size_t n = inject_len < (size_t)*len ? inject_len : (size_t)*len;
        memcpy(addr, inject_buf, n);
    }
    if (addr != NULL && fill_enabled && (size_t)*len < fill_upto) {
        memset((unsigned char *)addr + *len, fill_byte, fill_upto - (size_t)*len);
    }
    *len = (socklen_t)inject_len;
}

/* ---- control API, called from Python through ctypes ---- */

int oracle_arm(int fd) {
    if (is_armed(fd)) {
        return 0;
    }
    if (n_armed >= ORACLE_MAX_ARMED) {
        return -1;
    }
    armed_fds[n_armed++] = fd;
    return 0;
}

int oracle_disarm(int fd) {
    for (int i = 0; i < n_armed; i++) {
        if (armed_fds[i] == fd) {
            armed_fds[i] = armed_fds[--n_armed];
            return 0;
        }
    }
    return -1;
}

void oracle_reset(void) {
    captured_len = -1;
    primer_pending = 0;
    fill_enabled = 0;
    last_capacity = -1;
    last_call = ORACLE_NONE;
    hits = 0;
}

long oracle_hits(void) { return hits; }

int oracle_last_call(void) { return last_call; }

/* Copies min(captured, cap) bytes into buf; returns the full captured addrlen
 * (-1 when nothing was captured since the last oracle_reset()). */
long oracle_get_captured(unsigned char *buf, size_t cap) {
    if (captured_len > 0 && buf != NULL) {
        size_t have = (size_t)captured_len < ORACLE_CAPTURE_CAP
                          ? (size_t)captured_len
                          : ORACLE_CAPTURE_CAP;
        memcpy(buf, captured, have < cap ? have : cap);
    }
    return captured_len;
}

long oracle_capture_cap(void) { return ORACLE_CAPTURE_CAP; }

int oracle_set_inject(const unsigned char *data, size_t len) {
    unsigned char *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL) {
        return -1;
    }
    if (len > 0) {
        memcpy(copy, data, len);
    }
    free(inject_buf);
    inject_buf = copy;
    inject_len = len;
    return 0;
}

/* Arms a one-shot primer injection of len bytes (at most ORACLE_PRIMER_MAX).
 * The caller must make sure the buffer of the next injecting call really is
 * that large: the oracle only uses it on CPython's sock_addr_t buffer. */
int oracle_set_primer_inject(const unsigned char *data, size_t len) {
    if (len > ORACLE_PRIMER_MAX) {
        return -1;
    }
    memcpy(primer_buf, data, len);
    primer_len = len;
    primer_pending = 1;
    return 0;
}

/* Enables (upto > 0) or disables (upto == 0) the garbage fill of injecting
 * calls: bytes [*addrlen offered, upto) of the caller's buffer get `byte`.
 * Only for callers whose buffer really is `upto` bytes (CPython's 128-byte
 * sock_addr_t). */
void oracle_set_fill(int byte, size_t upto) {
    fill_enabled = upto > 0;
    fill_byte = (unsigned char)byte;
    fill_upto = upto;
}

/* The *addrlen (buffer size) offered by the last real injecting call. */
long oracle_last_capacity(void) { return last_capacity; }

/* ---- interposed libc functions ---- */

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    if (is_armed(fd)) {
        capture(ORACLE_BIND, addr, len);
        return 0;
    }
    return ((bind_fn)real("bind"))(fd, addr, len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    if (is_armed(fd)) {
        capture(ORACLE_CONNECT, addr, len);
        return 0;
    }
    return ((bind_fn)real("connect"))(fd, addr, len);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags,
               const struct sockaddr *addr, socklen_t len) {
    if (is_armed(fd)) {
        capture(ORACLE_SENDTO, addr, len);
        return (ssize_t)n;
    }
    return ((sendto_fn)real("sendto"))(fd, buf, n, flags, addr, len);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
    if (is_armed(fd)) {
        ssize_t total = 0;
        capture(ORACLE_SENDMSG, msg->msg_name, msg->msg_namelen);
        for (size_t i = 0; i < (size_t)msg->msg_iovlen; i++) {
            total += (ssize_t)msg->msg_iov[i].iov_len;
        }
        return total;
    }
    return ((sendmsg_fn)real("sendmsg"))(fd, msg, flags);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len) {
    if (is_armed(fd)) {
        inject(ORACLE_GETSOCKNAME, addr, len);
        return 0;
    }
    return ((getname_fn)real("getsockname"))(fd, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len) {
    if (is_armed(fd)) {
        inject(ORACLE_GETPEERNAME, addr, len);
        return 0;
    }
    return ((getname_fn)real("getpeername"))(fd, addr, len);
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr,
                 socklen_t *len) {
    if (is_armed(fd)) {
        inject(ORACLE_RECVFROM, addr, len);
        return 0;
    }
    return ((recvfrom_fn)real("recvfrom"))(fd, buf, n, flags, addr, len);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    if (is_armed(fd)) {
        socklen_t len = msg->msg_namelen;
        inject(ORACLE_RECVMSG, msg->msg_name, &len);
        msg->msg_namelen = len;
        msg->msg_controllen = 0;
        msg->msg_flags = 0;
        return 0;
    }
    return ((recvmsg_fn)real("recvmsg"))(fd, msg, flags);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    if (is_armed(fd)) {
        inject(ORACLE_ACCEPT, addr, len);
        return fcntl(fd, F_DUPFD_CLOEXEC, 0);
    }
    return ((accept4_fn)real("accept4"))(fd, addr, len, flags);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    if (is_armed(fd)) {
        inject(ORACLE_ACCEPT, addr, len);
        return fcntl(fd, F_DUPFD_CLOEXEC, 0);
    }
    return ((getname_fn)real("accept"))(fd, addr, len);
}
