// SPDX-License-Identifier: MIT
/* A VM's DHCP responder on its tap (see dhcp.h; RFC 2131, 2132). */
#include "dhcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <grp.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/proc.h"

#define BOOTP_FIXED 236 /* op .. file: the fixed part before the magic cookie */
#define MAGIC 0x63825363u
#define OPT_MASK 1
#define OPT_ROUTER 3
#define OPT_REQ_IP 50
#define OPT_LEASE 51
#define OPT_TYPE 53
#define OPT_SERVER 54
#define OPT_END 255
enum { DISCOVER = 1, OFFER = 2, REQUEST = 3, ACK = 5, NAK = 6 };

/* Option code's value in the options of req (after the cookie), NULL if absent. */
static const uint8_t *opt(const uint8_t *o, size_t n, uint8_t code, uint8_t *ret_len)
{
	for (size_t i = 0; i < n;) {
		if (o[i] == 0) { /* pad */
			i++;
			continue;
		}
		if (o[i] == OPT_END || i + 1 >= n || i + 2 + o[i + 1] > n)
			return NULL;
		if (o[i] == code) {
			*ret_len = o[i + 1];
			return o + i + 2;
		}
		i += 2 + o[i + 1];
	}
	return NULL;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint8_t *put32(uint8_t *p, uint8_t code, uint32_t be)
{
	p[0] = code;
	p[1] = 4;
	memcpy(p + 2, &be, 4);
	return p + 6;
}

size_t hk_dhcp_reply(const struct hk_dhcp_lease *l, const uint8_t *req, size_t len, uint8_t *out,
		     size_t cap)
{
	uint32_t magic;
	if (len < BOOTP_FIXED + 4 || cap < 20 + 8 + BOOTP_FIXED + 4 + 64 || req[0] != 1 ||
	    req[1] != 1 || req[2] != 6 || memcmp(req + 28, l->mac, 6))
		return 0;
	memcpy(&magic, req + BOOTP_FIXED, 4);
	if (ntohl(magic) != MAGIC)
		return 0;
	const uint8_t *o = req + BOOTP_FIXED + 4, *v;
	size_t on = len - BOOTP_FIXED - 4;
	uint8_t vl;
	v = opt(o, on, OPT_TYPE, &vl);
	if (!v || vl != 1 || (v[0] != DISCOVER && v[0] != REQUEST))
		return 0;
	uint8_t type = v[0] == DISCOVER ? OFFER : ACK;
	if (type == ACK) {
		/* the address asked for: option 50 (SELECTING, INIT-REBOOT) or ciaddr (RENEWING) */
		uint32_t want = 0;
		v = opt(o, on, OPT_REQ_IP, &vl);
		if (v && vl == 4)
			memcpy(&want, v, 4);
		else
			memcpy(&want, req + 12, 4);
		v = opt(o, on, OPT_SERVER, &vl);
		uint32_t sid = 0;
		if (v && vl == 4)
			memcpy(&sid, v, 4);
		if (sid && sid != l->server)
			return 0; /* the client chose another server */
		if (want && want != l->addr)
			type = NAK;
	}
	memset(out, 0, 20 + 8 + BOOTP_FIXED + 4 + 64);
	uint8_t *ip = out, *udp = out + 20, *b = out + 28;
	b[0] = 2; /* BOOTREPLY */
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 4, req + 4, 4);   /* xid */
	memcpy(b + 10, req + 10, 2); /* flags */
	if (type != NAK)
		memcpy(b + 16, &l->addr, 4); /* yiaddr */
	memcpy(b + 24, req + 24, 4);	     /* giaddr */
	memcpy(b + 28, req + 28, 16);	     /* chaddr */
	uint32_t m = htonl(MAGIC);
	memcpy(b + BOOTP_FIXED, &m, 4);
	uint8_t *p = b + BOOTP_FIXED + 4;
	*p++ = OPT_TYPE;
	*p++ = 1;
	*p++ = type;
	p = put32(p, OPT_SERVER, l->server);
	if (type != NAK) {
		p = put32(p, OPT_LEASE, htonl(l->lease_s));
		p = put32(p, OPT_MASK, l->mask);
		if (l->router)
			p = put32(p, OPT_ROUTER, l->router);
	}
	*p++ = OPT_END;
	size_t blen = (size_t)(p - b);
	if (blen < 300) /* BOOTP's minimum, which some clients expect */
		blen = 300;
	size_t ulen = 8 + blen, tot = 20 + ulen;
	udp[0] = 0, udp[1] = 67, udp[2] = 0, udp[3] = 68;
	udp[4] = (uint8_t)(ulen >> 8), udp[5] = (uint8_t)ulen; /* checksum 0: none (IPv4) */
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8), ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &l->server, 4);
	memset(ip + 16, 0xff, 4); /* broadcast: the client has no address yet */
	uint16_t c = csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
	return tot;
}

/* One request: the IPv4 packet pkt from the guest; answered through s to ifindex. */
static void handle(int s, int ifindex, const struct hk_dhcp_lease *l, const uint8_t *pkt, size_t n)
{
	if (n < 28 || (pkt[0] >> 4) != 4 || pkt[9] != 17)
		return;
	size_t ihl = (size_t)(pkt[0] & 15) * 4;
	if (ihl < 20 || n < ihl + 8 || pkt[ihl + 2] != 0 || pkt[ihl + 3] != 67)
		return;
	uint8_t out[1024];
	size_t k = hk_dhcp_reply(l, pkt + ihl + 8, n - ihl - 8, out, sizeof(out));
	if (!k)
		return;
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = ifindex,
				  .sll_halen = 6 };
	memset(to.sll_addr, 0xff, 6);
	sendto(s, out, k, 0, (struct sockaddr *)&to, sizeof(to));
}

static void serve(const struct hk_dhcp_lease *l, int s, int ifindex, pid_t qemu, uint64_t start)
{
	int pfd = (int)syscall(SYS_pidfd_open, qemu, 0);
	if (!hk_proc_alive(qemu, start))
		return;
	for (;;) {
		struct pollfd pf[2] = { { s, POLLIN, 0 }, { pfd, POLLIN, 0 } };
		int k = poll(pf, 2, pfd >= 0 ? -1 : 1000);
		if (k < 0 && errno != EINTR)
			return;
		if ((pfd >= 0 && (pf[1].revents & POLLIN)) ||
		    (pfd < 0 && !hk_proc_alive(qemu, start)))
			return; /* qemu is gone */
		if (pf[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			return; /* so is the tap */
		if (!(pf[0].revents & POLLIN))
			continue;
		uint8_t pkt[2048];
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, &fl);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return;
		/* what the guest sent (not our own replies), IPv4 */
		if (n > 0 && from.sll_pkttype != PACKET_OUTGOING &&
		    from.sll_protocol == htons(ETH_P_IP))
			handle(s, ifindex, l, pkt, (size_t)n);
	}
}

int hk_dhcp_spawn(const struct hk_dhcp_lease *l, pid_t qemu, uint64_t qemu_start,
		  const char *pidfile, struct hk_err *err)
{
	int ifindex = (int)if_nametoindex(l->ifname);
	if (!ifindex)
		return hk_err_sys(err, -errno, "dhcp: tap '%s'", l->ifname);
	/* the socket before the fork: its errors are reported here. ETH_P_ALL: a tap enslaved to
	 * a bridge hands its frames to the bridge before protocol handlers (ETH_P_IP sockets)
	 * see them; only "all" taps run first. */
	_cleanup_close_ int s = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (s < 0)
		return hk_err_sys(err, -errno, "dhcp: packet socket");
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = ifindex };
	/* only IPv4 UDP to port 67 is copied to us, not all the VM's traffic (the socket sees
	 * from the network header on: SOCK_DGRAM) */
	static const struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 7),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 5),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 3, 0), /* a fragment */
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 67, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};
	struct sock_fprog prog = { .len = HK_ARRAY_SIZE(code),
				   .filter = (struct sock_filter *)code };
	if (setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return hk_err_sys(err, -errno, "dhcp: socket filter");
	if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return hk_err_sys(err, -errno, "dhcp: bind to '%s'", l->ifname);
	_cleanup_close_ int pf = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (pf < 0)
		return hk_err_sys(err, -errno, "dhcp: %s", pidfile);
	pid_t pid = fork();
	if (pid < 0)
		return hk_err_sys(err, -errno, "dhcp: fork");
	if (pid == 0) {
		/* a daemon of its own: the run's terminal, signals and other fds are not its */
		setsid();
		prctl(PR_SET_NAME, "hako-dhcp");
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int nul = open("/dev/null", O_RDWR);
		for (int fd = 0; fd < 3 && nul >= 0; fd++)
			dup2(nul, fd);
		if (s != 3 && dup2(s, 3) < 0)
			_exit(1);
		syscall(SYS_close_range, 4, ~0u, 0);
		/* the socket is made and bound: nothing more needs root (sending on it does not),
		 * so a long-lived process parsing what a guest sends runs as nobody */
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0 ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(1);
		serve(l, 3, ifindex, qemu, qemu_start);
		_exit(0);
	}
	dprintf(pf, "%d\n", (int)pid);
	return 0;
}
