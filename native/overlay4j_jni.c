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
_Static_assert(io_overlay4j_internal_Jni_MOUNT_NODIRATIME == O4J_MOUNT_NODIRATIME, "flag");
_Static_assert(io_overlay4j_internal_Jni_MOUNT_STRICTATIME == O4J_MOUNT_STRICTATIME, "flag");
_Static_assert(io_overlay4j_internal_Jni_MOUNT_NOSYMFOLLOW == O4J_MOUNT_NOSYMFOLLOW, "flag");
_Static_assert(io_overlay4j_internal_Jni_MOUNT_STRICT_PATHS == O4J_MOUNT_STRICT_PATHS, "flag");
_Static_assert((unsigned)io_overlay4j_internal_Jni_FLAGS_UNKNOWN == O4J_FLAGS_UNKNOWN, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_FORCE == O4J_UNMOUNT_FORCE, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_DETACH == O4J_UNMOUNT_DETACH, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_EXPIRE == O4J_UNMOUNT_EXPIRE, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_NOFOLLOW == O4J_UNMOUNT_NOFOLLOW, "flag");
_Static_assert(io_overlay4j_internal_Jni_STRATEGY_FD == O4J_STRATEGY_FD, "strategy");
_Static_assert(io_overlay4j_internal_Jni_STRATEGY_STRING == O4J_STRATEGY_STRING, "strategy");
_Static_assert(io_overlay4j_internal_Jni_STRATEGY_LEGACY == O4J_STRATEGY_LEGACY, "strategy");

/* The shim keeps no reference to any class: a global reference would pin the class
 * loader that loaded it, and with it every copy of the application an app server
 * redeploys. Exceptions are rare, so their class is looked up when one is thrown
 * (FindClass in a native method searches the loader of the class that declares it). */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void)vm;
    (void)reserved;
    return JNI_VERSION_1_8;
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
    jclass cls;
    jmethodID init;
    jobject ex;

    if ((*env)->ExceptionCheck(env) || !(cls = (*env)->FindClass(env, "io/overlay4j/internal/SyscallException")))
        return;
    if ((init = (*env)->GetMethodID(env, cls, "<init>", "(ILjava/lang/String;[B[B)V")) &&
        (ex = (*env)->NewObject(env, cls, init, err, jop, jpath, jlog)))
        (*env)->Throw(env, (jthrowable)ex);
    (*env)->DeleteLocalRef(env, cls);
}

/* The Java side always sends a well-formed spec; anything else is a bug, not an errno. */
static void throw_malformed(JNIEnv *env)
{
    jclass ise = (*env)->FindClass(env, "java/lang/IllegalStateException");

    if (ise)
        (*env)->ThrowNew(env, ise, "overlay4j: malformed overlay description from the Java side (a bug)");
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

/* A decoded spec and the memory behind it: on the stack for the common sizes. */
struct decoded {
    char blob_buf[2048], strings_buf[2048];
    const char *lower_buf[16];
    struct o4j_id id_buf[16];
    struct o4j_option opt_buf[16];
    char *blob, *strings;
    const char **lowers;
    struct o4j_id *ids, upper_id, work_id;
    struct o4j_option *opts;
    struct o4j_overlay ov;
};

static void decoded_free(struct decoded *d)
{
    if (d->blob)
        release(d->blob, d->blob_buf);
    if (d->strings && d->strings != d->strings_buf)
        free(d->strings);
    if (d->lowers != d->lower_buf)
        free(d->lowers);
    if (d->ids != d->id_buf)
        free(d->ids);
    if (d->opts != d->opt_buf)
        free(d->opts);
}

/* Decodes spec into d; on failure throws, and d is freed by the caller all the same. */
static int decode_spec(JNIEnv *env, jbyteArray spec, struct decoded *d)
{
    size_t nlayers, nopt;
    jsize len;

    d->strings = NULL;
    d->lowers = d->lower_buf;
    d->ids = d->id_buf;
    d->opts = d->opt_buf;
    if (!(d->blob = copy_in(env, spec, d->blob_buf, sizeof d->blob_buf, &len)))
        return -1;
    if (o4j_spec_count(d->blob, (size_t)len, &nlayers, &nopt) != 0) {
        throw_malformed(env);
        return -1;
    }
    d->strings = (size_t)len <= sizeof d->strings_buf ? d->strings_buf : malloc((size_t)len);
    if ((nlayers > 16 && !(d->lowers = malloc(nlayers * sizeof *d->lowers))) ||
        (nlayers > 16 && !(d->ids = malloc(nlayers * sizeof *d->ids))) ||
        (nopt > 16 && !(d->opts = malloc(nopt * sizeof *d->opts))) || !d->strings) {
        throw_syscall(env, ENOMEM, "malloc", NULL, NULL);
        return -1;
    }
    o4j_spec_decode(d->blob, (size_t)len, d->strings, d->lowers, d->ids, d->opts, &d->upper_id, &d->work_id,
                    &d->ov);
    return 0;
}

static void get_id(JNIEnv *env, jlongArray array, struct o4j_id *id)
{
    jlong v[3];

    (*env)->GetLongArrayRegion(env, array, 0, 3, v);
    id->dev = (unsigned long long)v[0];
    id->ino = (unsigned long long)v[1];
    id->mount_id = (unsigned long long)v[2];
}

/* Returns the new mount's ID: a primitive, so nothing can fail in here after the
 * mount exists and leave it behind unreported. */
JNIEXPORT jlong JNICALL Java_io_overlay4j_internal_Jni_mount(JNIEnv *env, jclass cls, jbyteArray spec,
                                                              jint flags, jbyteArray target,
                                                              jlongArray target_id, jint strategy,
                                                              jlongArray made)
{
    struct decoded d;
    struct o4j_id tid;
    struct o4j_result r;
    char target_buf[512], *dest = NULL;
    jlong mount_id = 0;

    (void)cls;
    if (decode_spec(env, spec, &d) == 0 && (dest = copy_in(env, target, target_buf, sizeof target_buf, NULL))) {
        d.ov.flags = (unsigned)flags;
        get_id(env, target_id, &tid);
        if (o4j_mount(&d.ov, dest, &tid, (enum o4j_strategy)strategy, &r) != 0)
            throw_syscall(env, r.err, r.op, r.path, r.log);
        else {
            jlong values[2] = {(jlong)r.mount_uid, (jlong)(jint)r.flags_seen};

            mount_id = (jlong)r.mount_id;
            (*env)->SetLongArrayRegion(env, made, 0, 2, values);
        }
    }
    if (dest)
        release(dest, target_buf);
    decoded_free(&d);
    return mount_id;
}

JNIEXPORT jlong JNICALL Java_io_overlay4j_internal_Jni_mountUid(JNIEnv *env, jclass cls, jbyteArray path)
{
    char buf[512];
    char *p = copy_in(env, path, buf, sizeof buf, NULL);
    unsigned long long uid = 0;
    int rc;

    (void)cls;
    if (!p)
        return 0;
    rc = o4j_mount_uid(p, &uid);
    if (rc)
        throw_syscall(env, -rc, "statx", p, NULL);
    release(p, buf);
    return (jlong)uid;
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
                                                                              jlongArray id)
{
    char buf[512];
    char *p = copy_in(env, path, buf, sizeof buf, NULL);
    struct o4j_dir d;
    jbyteArray result = NULL;
    int rc;

    (void)cls;
    if (!p)
        return NULL;
    rc = o4j_resolve_dir(p, &d);
    if (rc) {
        throw_syscall(env, -rc, "open", p, NULL);
    } else {
        jlong values[4] = {(jlong)d.id.dev, (jlong)d.id.ino, (jlong)d.id.mount_id, (jlong)d.fs_type};

        (*env)->SetLongArrayRegion(env, id, 0, 4, values);
        result = to_bytes(env, d.path);
    }
    release(p, buf);
    return result;
}

JNIEXPORT jlong JNICALL Java_io_overlay4j_internal_Jni_unmountIf(JNIEnv *env, jclass cls,
                                                                  jbyteArray target, jlong mount_id,
                                                                  jlong mount_uid, jint flags)
{
    char buf[512];
    char *dest = copy_in(env, target, buf, sizeof buf, NULL);
    unsigned long long found = 0;
    int rc;

    (void)cls;
    if (!dest)
        return 0;
    rc = o4j_unmount_if(dest, (unsigned long long)mount_id, (unsigned long long)mount_uid, (unsigned)flags, &found);
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
    struct decoded d;
    char *text = NULL;
    jbyteArray result = NULL;

    (void)cls;
    if (decode_spec(env, spec, &d) == 0) {
        size_t need = o4j_format_options(&d.ov, NULL, 0);

        if (!(text = malloc(need + 1)))
            throw_syscall(env, ENOMEM, "malloc", NULL, NULL);
        else
            result = to_bytes(env, (o4j_format_options(&d.ov, text, need + 1), text));
    }
    free(text);
    decoded_free(&d);
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
