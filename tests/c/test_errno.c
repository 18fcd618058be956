#include <errno.h>

#include "check.h"
#include "overlay4j.h"

int main(void)
{
    char buf[128], tiny[4];

    CHECK_STR(o4j_errno_name(EBUSY), "EBUSY");
    CHECK_STR(o4j_errno_name(ENOENT), "ENOENT");
    CHECK_STR(o4j_errno_name(EPERM), "EPERM");
    CHECK_STR(o4j_errno_name(EINVAL), "EINVAL");
    CHECK_STR(o4j_errno_name(ENODEV), "ENODEV");
    CHECK_STR(o4j_errno_name(EAGAIN), "EAGAIN"); /* not its alias EWOULDBLOCK */
    CHECK(o4j_errno_name(0) == NULL);
    CHECK(o4j_errno_name(-1) == NULL);
    CHECK(o4j_errno_name(100000) == NULL);

    CHECK_STR(o4j_strerror(ENOENT, buf, sizeof buf), strerror(ENOENT));
    CHECK(strlen(o4j_strerror(100000, buf, sizeof buf)) > 0);
    /* Too small a buffer still yields a terminated string. */
    CHECK(strlen(o4j_strerror(ENOENT, tiny, sizeof tiny)) < sizeof tiny);
    CHECK_DONE();
}
