/*
 * The JNI layer: converts Java arguments to the C core's and throws
 * io.overlay4j.internal.SyscallException on failure. No mount logic here.
 */
#include <errno.h>
#include <jni.h>
#include <stdlib.h>
#include <string.h>

#include "io_overlay4j_internal_Jni.h"
#include "overlay4j.h"

/* The Java constants are generated from the same numbers; keep them in step. */
_Static_assert(io_overlay4j_internal_Jni_MOUNT_RDONLY == O4J_MOUNT_RDONLY, "flag");
_Static_assert(io_overlay4j_internal_Jni_MOUNT_NOSUID == O4J_MOUNT_NOSUID, "flag");
_Static_assert(io_overlay4j_internal_Jni_MOUNT_NODEV == O4J_MOUNT_NODEV, "flag");
_Static_assert(io_overlay4j_internal_Jni_MOUNT_NOEXEC == O4J_MOUNT_NOEXEC, "flag");
_Static_assert(io_overlay4j_internal_Jni_MOUNT_NOATIME == O4J_MOUNT_NOATIME, "flag");
_Static_assert(io_overlay4j_internal_Jni_MOUNT_RELATIME == O4J_MOUNT_RELATIME, "flag");
_Static_assert(io_overlay4j_internal_Jni_MOUNT_STRICT_PATHS == O4J_MOUNT_STRICT_PATHS, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_FORCE == O4J_UNMOUNT_FORCE, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_DETACH == O4J_UNMOUNT_DETACH, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_EXPIRE == O4J_UNMOUNT_EXPIRE, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_NOFOLLOW == O4J_UNMOUNT_NOFOLLOW, "flag");
_Static_assert(io_overlay4j_internal_Jni_STRATEGY_FD == O4J_STRATEGY_FD, "strategy");
_Static_assert(io_overlay4j_internal_Jni_STRATEGY_STRING == O4J_STRATEGY_STRING, "strategy");
_Static_assert(io_overlay4j_internal_Jni_STRATEGY_LEGACY == O4J_STRATEGY_LEGACY, "strategy");

static jclass syscall_exception;
static jmethodID syscall_exception_init;

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    JNIEnv *env;
    jclass local;

    (void)reserved;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    local = (*env)->FindClass(env, "io/overlay4j/internal/SyscallException");
    if (!local)
        return JNI_ERR;
    syscall_exception = (*env)->NewGlobalRef(env, local);
    (*env)->DeleteLocalRef(env, local);
    syscall_exception_init =
        (*env)->GetMethodID(env, syscall_exception, "<init>", "(ILjava/lang/String;[B[B)V");
    return syscall_exception && syscall_exception_init ? JNI_VERSION_1_8 : JNI_ERR;
}

static jbyteArray to_bytes(JNIEnv *env, const char *s)
{
    jsize n;
    jbyteArray a;

    if (!s)
        return NULL;
    n = (jsize)strlen(s);
    a = (*env)->NewByteArray(env, n);
    if (a)
        (*env)->SetByteArrayRegion(env, a, 0, n, (const jbyte *)s);
    return a;
}

static void throw_syscall(JNIEnv *env, int err, const char *op, const char *path, const char *log)
{
    jstring jop = (*env)->NewStringUTF(env, op);
    jbyteArray jpath = to_bytes(env, path);
    jbyteArray jlog = to_bytes(env, log && *log ? log : NULL);
    jobject ex;

    if ((*env)->ExceptionCheck(env))
        return;
    ex = (*env)->NewObject(env, syscall_exception, syscall_exception_init, err, jop, jpath, jlog);
    if (ex)
        (*env)->Throw(env, (jthrowable)ex);
}

/* The Java side always sends a well-formed spec; anything else is a bug, not an errno. */
static void throw_malformed(JNIEnv *env)
{
    jclass iae = (*env)->FindClass(env, "java/lang/IllegalArgumentException");

    if (iae)
        (*env)->ThrowNew(env, iae, "malformed overlay description");
}

/* A NUL-terminated copy of a Java byte[]: in buf when it fits, else on the heap. */
static char *copy_in(JNIEnv *env, jbyteArray array, char *buf, size_t cap, jsize *len)
{
    jsize n = (*env)->GetArrayLength(env, array);
    char *s = (size_t)n < cap ? buf : malloc((size_t)n + 1);

    if (!s) {
        throw_syscall(env, ENOMEM, "malloc", NULL, NULL);
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, array, 0, n, (jbyte *)s);
    s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

static void release(char *s, char *buf)
{
    if (s != buf)
        free(s);
}

/* Returns the new mount's ID: a primitive, so nothing can fail in here after the
 * mount exists and leave it behind unreported. */
JNIEXPORT jlong JNICALL Java_io_overlay4j_internal_Jni_mount(JNIEnv *env, jclass cls, jbyteArray spec,
                                                              jint flags, jbyteArray target,
                                                              jint strategy)
{
    char spec_buf[2048], target_buf[512];
    const char *lower_buf[16];
    struct o4j_option opt_buf[16];
    const char **lowers = lower_buf;
    struct o4j_option *opts = opt_buf;
    struct o4j_overlay ov;
    struct o4j_result r;
    size_t nlower, nopt;
    jsize len;
    char *blob, *dest = NULL;
    jlong mount_id = 0;

    (void)cls;
    if (!(blob = copy_in(env, spec, spec_buf, sizeof spec_buf, &len)))
        return 0;
    if (o4j_spec_count(blob, (size_t)len, &nlower, &nopt) != 0) {
        throw_malformed(env);
        goto out;
    }
    if (nlower > 16 && !(lowers = malloc(nlower * sizeof *lowers)))
        goto oom;
    if (nopt > 16 && !(opts = malloc(nopt * sizeof *opts)))
        goto oom;
    o4j_spec_decode(blob, (size_t)len, lowers, opts, &ov);
    ov.flags = (unsigned)flags;
    if (!(dest = copy_in(env, target, target_buf, sizeof target_buf, NULL)))
        goto out;
    if (o4j_mount(&ov, dest, (enum o4j_strategy)strategy, &r) != 0)
        throw_syscall(env, r.err, r.op, r.path, r.log);
    else
        mount_id = (jlong)r.mount_id;
    goto out;
oom:
    throw_syscall(env, ENOMEM, "malloc", NULL, NULL);
out:
    if (dest)
        release(dest, target_buf);
    if (lowers != lower_buf)
        free(lowers);
    if (opts != opt_buf)
        free(opts);
    release(blob, spec_buf);
    return mount_id;
}

JNIEXPORT void JNICALL Java_io_overlay4j_internal_Jni_unmount(JNIEnv *env, jclass cls,
                                                               jbyteArray target, jint flags)
{
    char buf[512];
    char *dest = copy_in(env, target, buf, sizeof buf, NULL);
    int rc;

    (void)cls;
    if (!dest)
        return;
    rc = o4j_unmount(dest, (unsigned)flags);
    if (rc)
        throw_syscall(env, -rc, "umount2", dest, NULL);
    release(dest, buf);
}

JNIEXPORT jbyteArray JNICALL Java_io_overlay4j_internal_Jni_resolveDirectory(JNIEnv *env, jclass cls,
                                                                              jbyteArray path,
                                                                              jlongArray ids)
{
    char buf[512];
    char *p = copy_in(env, path, buf, sizeof buf, NULL);
    struct o4j_dir d;
    jbyteArray result = NULL;
    int rc;

    (void)cls;
    if (!p)
        return NULL;
    rc = o4j_resolve_dir(p, &d, ids != NULL);
    if (rc) {
        throw_syscall(env, -rc, "open", p, NULL);
    } else {
        jlong values[2] = {(jlong)d.dev, (jlong)d.mount_id};

        if (ids)
            (*env)->SetLongArrayRegion(env, ids, 0, 2, values);
        result = to_bytes(env, d.path);
    }
    release(p, buf);
    return result;
}

JNIEXPORT jlong JNICALL Java_io_overlay4j_internal_Jni_unmountIf(JNIEnv *env, jclass cls,
                                                                  jbyteArray target, jlong mount_id,
                                                                  jint flags)
{
    char buf[512];
    char *dest = copy_in(env, target, buf, sizeof buf, NULL);
    unsigned long long found = 0;
    int rc;

    (void)cls;
    if (!dest)
        return 0;
    rc = o4j_unmount_if(dest, (unsigned long long)mount_id, (unsigned)flags, &found);
    if (rc < 0)
        throw_syscall(env, -rc, "umount2", dest, NULL);
    release(dest, buf);
    return rc == 1 ? (jlong)found : 0;
}

JNIEXPORT jint JNICALL Java_io_overlay4j_internal_Jni_probeStrategy(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return (jint)o4j_probe_strategy();
}

JNIEXPORT jbyteArray JNICALL Java_io_overlay4j_internal_Jni_formatOptions(JNIEnv *env, jclass cls,
                                                                           jbyteArray spec)
{
    char spec_buf[2048];
    const char **lowers = NULL;
    struct o4j_option *opts = NULL;
    struct o4j_overlay ov;
    size_t nlower, nopt, need;
    jsize len;
    char *blob, *text = NULL;
    jbyteArray result = NULL;

    (void)cls;
    if (!(blob = copy_in(env, spec, spec_buf, sizeof spec_buf, &len)))
        return NULL;
    if (o4j_spec_count(blob, (size_t)len, &nlower, &nopt) != 0) {
        throw_malformed(env);
        goto out;
    }
    lowers = malloc((nlower + 1) * sizeof *lowers);
    opts = malloc((nopt + 1) * sizeof *opts);
    if (!lowers || !opts) {
        throw_syscall(env, ENOMEM, "malloc", NULL, NULL);
        goto out;
    }
    o4j_spec_decode(blob, (size_t)len, lowers, opts, &ov);
    need = o4j_format_options(&ov, NULL, 0);
    if (!(text = malloc(need + 1))) {
        throw_syscall(env, ENOMEM, "malloc", NULL, NULL);
        goto out;
    }
    o4j_format_options(&ov, text, need + 1);
    result = to_bytes(env, text);
out:
    free(text);
    free(lowers);
    free(opts);
    release(blob, spec_buf);
    return result;
}

JNIEXPORT jbyteArray JNICALL Java_io_overlay4j_internal_Jni_decodeMountinfo(JNIEnv *env, jclass cls,
                                                                             jbyteArray line)
{
    char buf[1024];
    char *text = copy_in(env, line, buf, sizeof buf, NULL), *blob = NULL;
    long need;
    jbyteArray result = NULL;

    (void)cls;
    if (!text)
        return NULL;
    need = o4j_decode_mountinfo(text, NULL, 0);
    if (need > 0 && (blob = malloc((size_t)need + 1)) != NULL) {
        o4j_decode_mountinfo(text, blob, (size_t)need + 1);
        result = (*env)->NewByteArray(env, (jsize)need);
        if (result)
            (*env)->SetByteArrayRegion(env, result, 0, (jsize)need, (const jbyte *)blob);
    } else if (need > 0) {
        throw_syscall(env, ENOMEM, "malloc", NULL, NULL);
    }
    free(blob);
    release(text, buf);
    return result;
}

JNIEXPORT jstring JNICALL Java_io_overlay4j_internal_Jni_errnoName(JNIEnv *env, jclass cls,
                                                                  jint errnum)
{
    const char *name = o4j_errno_name(errnum);

    (void)cls;
    return name ? (*env)->NewStringUTF(env, name) : NULL;
}

JNIEXPORT jint JNICALL Java_io_overlay4j_internal_Jni_errnoValue(JNIEnv *env, jclass cls,
                                                                jstring name)
{
    const char *s = (*env)->GetStringUTFChars(env, name, NULL);
    jint value;

    (void)cls;
    if (!s)
        return 0;
    value = o4j_errno_value(s);
    (*env)->ReleaseStringUTFChars(env, name, s);
    return value;
}

JNIEXPORT jbyteArray JNICALL Java_io_overlay4j_internal_Jni_strerror(JNIEnv *env, jclass cls,
                                                                    jint errnum)
{
    char buf[256];

    (void)cls;
    return to_bytes(env, o4j_strerror(errnum, buf, sizeof buf));
}

JNIEXPORT jint JNICALL Java_io_overlay4j_internal_Jni_interfaceVersion(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return io_overlay4j_internal_Jni_INTERFACE_VERSION;
}
