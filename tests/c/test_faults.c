/* The core against a scripted syscall table: every step can fail, and whatever
 * fails, the right -errno comes back and every descriptor opened is closed. */
#define _GNU_SOURCE
#include <errno.h>

#include "check.h"
#include "o4j_sys.h"

enum step { S_OPEN, S_FSOPEN, S_FSCONFIG, S_FSMOUNT, S_MOVE_MOUNT, S_MOUNT, S_UMOUNT2, S_OPEN_TREE, S_COUNT };

static struct {
    int fail_step;    /* which step fails, or -1 */
    int fail_nth;     /* on its nth call (0-based), for steps called repeatedly */
    int fail_errno;
    int calls[S_COUNT];
    int open_fds;     /* descriptors handed out and not yet closed */
    int next_fd;
    int mounted;
    int work_exists;  /* workdir/work, which the kernel makes when it creates the superblock */
    int listed;       /* fake_getdents has given the workdir's entries */
    const char *messages[4];
    int next_message;
} f;

static int step(enum step s)
{
    if ((int)s == f.fail_step && f.calls[s]++ == f.fail_nth) {
        errno = f.fail_errno;
        return -1;
    }
    if ((int)s != f.fail_step)
        f.calls[s]++;
    return 0;
}

static int new_fd(enum step s)
{
    if (step(s))
        return -1;
    f.open_fds++;
    return f.next_fd++;
}

static int fake_open(const char *p, int fl) { (void)p; (void)fl; return new_fd(S_OPEN); }
static int fake_openat(int dfd, const char *name, int fl)
{
    (void)dfd;
    (void)fl;
    if (strcmp(name, "work") != 0 || !f.work_exists) {
        errno = ENOENT;
        return -1;
    }
    f.open_fds++;
    return f.next_fd++;
}
/* Every directory is device 1, inode 5, on mount 77. */
static int fake_identity(int dfd, const char *p, struct o4j_id *id)
{
    (void)dfd;
    (void)p;
    id->dev = 1;
    id->ino = 5;
    id->mount_id = 77;
    return 0;
}
static int fake_unlinkat(int dfd, const char *name, int fl)
{
    (void)dfd;
    (void)fl;
    if (strcmp(name, "work") == 0 && f.work_exists) {
        f.work_exists = 0;
        return 0;
    }
    errno = ENOENT;
    return -1;
}
static int fake_close(int fd) { (void)fd; f.open_fds--; return 0; }
static ssize_t fake_read(int fd, void *buf, size_t len)
{
    const char *m = f.messages[f.next_message];

    (void)fd;
    if (!m) {
        errno = ENODATA;
        return -1;
    }
    f.next_message++;
    if (strlen(m) > len) { /* like the kernel: the message is dropped */
        errno = EMSGSIZE;
        return -1;
    }
    memcpy(buf, m, strlen(m));
    return (ssize_t)strlen(m);
}
static ssize_t fake_readlink(const char *p, char *buf, size_t len)
{
    (void)p;
    return (ssize_t)snprintf(buf, len, "/canonical/t");
}
static int fake_fsopen(const char *n, unsigned fl) { (void)n; (void)fl; return new_fd(S_FSOPEN); }
static int fake_fsconfig(int fd, unsigned c, const char *k, const void *v, int a)
{
    (void)fd; (void)k; (void)v; (void)a;
    if (step(S_FSCONFIG))
        return -1;
    if (c == 6) /* FSCONFIG_CMD_CREATE: the superblock, and with it workdir/work */
        f.work_exists = 1;
    return 0;
}
static int fake_fsmount(int fd, unsigned fl, unsigned at) { (void)fd; (void)fl; (void)at; return new_fd(S_FSMOUNT); }
static int fake_move_mount(int a, const char *b, int c, const char *d, unsigned e)
{
    (void)a; (void)b; (void)c; (void)d; (void)e;
    if (step(S_MOVE_MOUNT))
        return -1;
    f.mounted++;
    return 0;
}
static int fake_mount(const char *a, const char *b, const char *c, unsigned long d, const void *e)
{
    (void)a; (void)b; (void)c; (void)d; (void)e;
    f.work_exists = 1; /* made with the superblock, before the mount is attached (or not) */
    if (step(S_MOUNT))
        return -1;
    f.mounted++;
    return 0;
}
static int fake_umount2(const char *t, int fl) { (void)t; (void)fl; return step(S_UMOUNT2); }
static int fake_open_tree(int d, const char *p, unsigned fl)
{
    (void)d; (void)p; (void)fl;
    return new_fd(S_OPEN_TREE);
}
static int fake_mount_uid(int d, const char *p, unsigned long long *uid)
{
    (void)d; (void)p;
    *uid = 1077; /* the never-reused ID of the mount the fake has on top */
    return 0;
}
static int fake_fs_info(int d, const char *p, unsigned long long *type, unsigned long long *st)
{
    (void)d; (void)p;
    *type = 0x01021994; /* tmpfs */
    *st = 0;
    return 0;
}

/* The workdir's one entry, "work" when it exists, read once; then the end. */
static ssize_t fake_getdents(int fd, void *buf, size_t len)
{
    struct o4j_dirent *d = buf;
    size_t reclen = (sizeof *d + sizeof "work" + 7) & ~(size_t)7;

    (void)fd;
    if (!f.work_exists || f.listed || len < reclen)
        return f.listed = 0;
    memset(d, 0, reclen);
    d->reclen = (unsigned short)reclen;
    memcpy(d->name, "work", sizeof "work");
    f.listed = 1;
    return (ssize_t)reclen;
}

static const struct o4j_sys fake = {
    fake_open, fake_open, fake_openat, fake_identity, fake_unlinkat, fake_close, fake_read, fake_readlink,
    fake_fsopen, fake_fsconfig, fake_fsmount, fake_move_mount, fake_mount, fake_umount2, fake_fs_info,
    fake_mount_uid, fake_open_tree, fake_getdents,
};

static const char *lowers[] = {"/l1", "/l2"};
static const struct o4j_option opts[] = {{"index", "off"}};
static const struct o4j_overlay ov = {lowers, 2, "/u", "/w", opts, 1, 0, 0, NULL, NULL, NULL, NULL};

static void reset(int fail_step, int nth, int err)
{
    memset(&f, 0, sizeof f);
    f.fail_step = fail_step;
    f.fail_nth = nth;
    f.fail_errno = err;
    f.next_fd = 100;
}

/* Fails each step at each of its calls with each errno, on each strategy. */
static void every_failure_cleans_up(void)
{
    static const int errs[] = {EINTR, ENOMEM, EBUSY, EINVAL};
    static const char *names[] = {"open", "fsopen", "fsconfig", "fsmount", "move_mount", "mount"};

    for (int s = O4J_STRATEGY_FD; s <= O4J_STRATEGY_LEGACY; s++) {
        for (int st = S_OPEN; st <= S_MOUNT; st++) {
            for (int nth = 0; nth < 8; nth++) {
                for (size_t k = 0; k < sizeof errs / sizeof errs[0]; k++) {
                    struct o4j_result e;
                    int rc;

                    reset(st, nth, errs[k]);
                    rc = o4j_mount_with(&fake, &ov, "/t", NULL, (enum o4j_strategy)s, &e);
                    if (f.calls[st] <= nth) {
                        CHECK(rc == 0); /* the step was not called that often: success */
                        CHECK(f.mounted == 1);
                        CHECK(e.mount_id == 77);
                    } else {
                        CHECK(rc == -errs[k]);
                        CHECK(e.err == errs[k]);
                        CHECK_STR(e.op, names[st]);
                        CHECK(f.mounted == 0);
                        CHECK(!f.work_exists); /* what the kernel made in workdir is gone again */
                    }
                    if (f.open_fds != 0)
                        fprintf(stderr, "strategy %d step %s call %d: %d fds left open\n", s, names[st],
                                nth, f.open_fds);
                    CHECK(f.open_fds == 0);
                }
            }
        }
    }
}

static void kernel_log_is_attached(void)
{
    struct o4j_result e;

    reset(S_FSCONFIG, 5, EINVAL); /* source, 2 lowers, upper, work, then index */
    f.messages[0] = "e overlay: Bad value for 'index'\n";
    f.messages[1] = "w overlay: something else";
    CHECK(o4j_mount_with(&fake, &ov, "/t", NULL, O4J_STRATEGY_STRING, &e) == -EINVAL);
    CHECK_STR(e.log, "e overlay: Bad value for 'index'\nw overlay: something else\n");
    CHECK(e.path == NULL);
    CHECK(f.open_fds == 0);
}

static void kernel_log_is_bounded(void)
{
    static char big[3000], huge[5000];
    struct o4j_result e;

    memset(big, 'x', sizeof big - 1);
    memset(huge, 'y', sizeof huge - 1);
    reset(S_FSCONFIG, 0, EINVAL);
    f.messages[0] = huge; /* longer than any read buffer: dropped by the kernel, reading goes on */
    f.messages[1] = big;
    f.messages[2] = big; /* does not fit after the first: left out, not cut mid-line */
    CHECK(o4j_mount_with(&fake, &ov, "/t", NULL, O4J_STRATEGY_STRING, &e) == -EINVAL);
    CHECK(strlen(e.log) == sizeof big); /* 2999 x's and a newline */
    CHECK(f.next_message == 3);
}

static void failing_path_is_reported(void)
{
    struct o4j_result e;

    reset(S_OPEN, 3, ENOENT); /* FD strategy: target, workdir, /l1, then /l2 */
    CHECK(o4j_mount_with(&fake, &ov, "/t", NULL, O4J_STRATEGY_FD, &e) == -ENOENT);
    CHECK_STR(e.path, "/l2");
    reset(S_OPEN, 0, ENOENT);
    CHECK(o4j_mount_with(&fake, &ov, "/t", NULL, O4J_STRATEGY_STRING, &e) == -ENOENT);
    CHECK_STR(e.path, "/t");
}

/* A directory that is not the one validated is refused before anything is made. */
static void swapped_directories_are_refused(void)
{
    static const struct o4j_id same = {1, 5, 77}, other = {1, 6, 77}, other_mount = {1, 5, 78};
    const struct o4j_id ids[] = {same, other};
    struct o4j_overlay checked = ov;
    struct o4j_result e;

    checked.lower_ids = ids;
    checked.upper_id = &same;
    checked.work_id = &same;
    for (int s = O4J_STRATEGY_FD; s <= O4J_STRATEGY_LEGACY; s++) {
        reset(-1, 0, 0);
        CHECK(o4j_mount_with(&fake, &checked, "/t", &same, (enum o4j_strategy)s, &e) == -ESTALE);
        CHECK_STR(e.path, "/l2");
        CHECK(strstr(e.log, "lowerdir 2 is no longer the directory that was validated") != NULL);
        CHECK(f.mounted == 0 && f.open_fds == 0 && f.calls[S_FSOPEN] == (s == O4J_STRATEGY_FD));
        reset(-1, 0, 0);
        CHECK(o4j_mount_with(&fake, &checked, "/t", &other_mount, (enum o4j_strategy)s, &e) == -ESTALE);
        CHECK_STR(e.path, "/t");
        CHECK(f.mounted == 0 && f.open_fds == 0);
    }
    checked.lower_ids = NULL;
    reset(-1, 0, 0);
    CHECK(o4j_mount_with(&fake, &checked, "/t", &same, O4J_STRATEGY_FD, &e) == 0);
}

/* workdir/work that was there before a failed mount stays. */
static void existing_work_survives_a_failure(void)
{
    for (int s = O4J_STRATEGY_FD; s <= O4J_STRATEGY_LEGACY; s++) {
        struct o4j_result e;

        reset(s == O4J_STRATEGY_LEGACY ? S_MOUNT : S_MOVE_MOUNT, 0, ENOENT);
        f.work_exists = 1;
        CHECK(o4j_mount_with(&fake, &ov, "/t", NULL, (enum o4j_strategy)s, &e) == -ENOENT);
        CHECK(f.work_exists);
        CHECK(f.open_fds == 0);
    }
}

static void unmount_if_leaves_other_mounts_alone(void)
{
    unsigned long long found = 0;

    reset(-1, 0, 0);
    CHECK(o4j_unmount_if_with(&fake, "/t", 12, 0, 0, &found) == 1); /* the fake says 77 is on top */
    CHECK(found == 77);
    CHECK(f.calls[S_UMOUNT2] == 0);
    CHECK(o4j_unmount_if_with(&fake, "/t", 77, 0, 0, &found) == 0);
    CHECK(f.calls[S_UMOUNT2] == 1);
    CHECK(o4j_unmount_if_with(&fake, "/t", 0, 0, 0, &found) == 0); /* ID unknown: no check */
    /* A reused mount ID (77 again) on another mount: the never-reused ID tells them apart. */
    CHECK(o4j_unmount_if_with(&fake, "/t", 77, 2001, 0, &found) == 1 && found == 77);
    CHECK(f.calls[S_UMOUNT2] == 2);
    CHECK(o4j_unmount_if_with(&fake, "/t", 77, 1077, 0, &found) == 0);
    CHECK(f.calls[S_UMOUNT2] == 3);
}

static void unmount_returns_errno(void)
{
    reset(S_UMOUNT2, 0, EBUSY);
    CHECK(o4j_unmount_with(&fake, "/t", O4J_UNMOUNT_DETACH) == -EBUSY);
    reset(-1, 0, 0);
    CHECK(o4j_unmount_with(&fake, "/t", 0) == 0);
}

static void probe_closes_everything(void)
{
    reset(S_FSCONFIG, 0, EINVAL); /* SET_FD refused, SET_STRING accepted */
    CHECK(o4j_probe_with(&fake) == O4J_STRATEGY_STRING);
    CHECK(f.open_fds == 0);
    reset(S_FSOPEN, 0, ENOSYS);
    CHECK(o4j_probe_with(&fake) == O4J_STRATEGY_LEGACY);
    reset(S_FSOPEN, 0, EPERM);
    CHECK(o4j_probe_with(&fake) == -EPERM);
    reset(-1, 0, 0);
    CHECK(o4j_probe_with(&fake) == O4J_STRATEGY_FD);
    CHECK(f.open_fds == 0);
}

int main(void)
{
    swapped_directories_are_refused();
    existing_work_survives_a_failure();
    every_failure_cleans_up();
    kernel_log_is_attached();
    kernel_log_is_bounded();
    failing_path_is_reported();
    unmount_returns_errno();
    unmount_if_leaves_other_mounts_alone();
    probe_closes_everything();
    CHECK_DONE();
}
