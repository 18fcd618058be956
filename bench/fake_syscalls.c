/*
 * LD_PRELOAD for the overhead benchmark: mount(2) and umount2(2) succeed without
 * reaching the kernel, so what is left of a cycle is the Java and JNI path.
 */
int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)
{
    (void)source;
    (void)target;
    (void)fstype;
    (void)flags;
    (void)data;
    return 0;
}

int umount2(const char *target, int flags)
{
    (void)target;
    (void)flags;
    return 0;
}
