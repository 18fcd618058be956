/*
 * The JNI layer: converts Java arguments to the C core's and throws
 * io.overlay4j.internal.SyscallException on failure. No mount logic here.
 *
 * The natives are bound with RegisterNatives, not by their mangled names, so that
 * the classes may live in another package: a shaded jar relocates io.overlay4j to
 * com.example.shaded.io.overlay4j. The Java side names the library file after the
 * package the classes are in ("liboverlay4j-com.example.shaded.io.overlay4j.internal.so");
 * JNI_OnLoad reads its own file name back and binds to that package.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <jni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_overlay4j_internal_EntryTag.h"
#include "io_overlay4j_internal_Jni.h"
#include "io_overlay4j_internal_MountFlag.h"
#include "overlay4j.h"

/* The Java constants are generated from the same numbers (javac -h writes every @Native constant
 * into these headers): a table changed on one side only fails this file's compilation. */
#define SAME_FLAG(name) _Static_assert(io_overlay4j_internal_MountFlag_BIT_##name == O4J_MOUNT_##name, "flag " #name)
SAME_FLAG(RDONLY);
SAME_FLAG(NOSUID);
SAME_FLAG(NODEV);
SAME_FLAG(NOEXEC);
SAME_FLAG(NOATIME);
SAME_FLAG(RELATIME);
SAME_FLAG(NODIRATIME);
SAME_FLAG(STRICTATIME);
SAME_FLAG(NOSYMFOLLOW);
_Static_assert(io_overlay4j_internal_MountFlag_STRICT_PATHS == O4J_MOUNT_STRICT_PATHS, "flag");
_Static_assert((unsigned)io_overlay4j_internal_MountFlag_UNKNOWN == O4J_FLAGS_UNKNOWN, "flag");
#define SAME_TAG(name) _Static_assert(io_overlay4j_internal_EntryTag_##name == O4J_TAG_##name, "tag " #name)
SAME_TAG(LOWERDIR);
SAME_TAG(DATADIR);
SAME_TAG(UPPERDIR);
SAME_TAG(WORKDIR);
SAME_TAG(OPTION);
SAME_TAG(VALUE);
SAME_TAG(SOURCE);
SAME_TAG(MOUNT_ID);
SAME_TAG(TARGET);
SAME_TAG(MOUNT_OPTIONS);
SAME_TAG(SUPER_OPTIONS);
_Static_assert(io_overlay4j_internal_EntryTag_HEADER == O4J_ENTRY_HEADER, "entry header");
_Static_assert(io_overlay4j_internal_EntryTag_ID_BYTES == O4J_ID_BYTES, "identity");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_FORCE == O4J_UNMOUNT_FORCE, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_DETACH == O4J_UNMOUNT_DETACH, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_EXPIRE == O4J_UNMOUNT_EXPIRE, "flag");
_Static_assert(io_overlay4j_internal_Jni_UNMOUNT_NOFOLLOW == O4J_UNMOUNT_NOFOLLOW, "flag");
_Static_assert(io_overlay4j_internal_Jni_STRATEGY_FD == O4J_STRATEGY_FD, "strategy");
_Static_assert(io_overlay4j_internal_Jni_STRATEGY_STRING == O4J_STRATEGY_STRING, "strategy");
_Static_assert(io_overlay4j_internal_Jni_STRATEGY_LEGACY == O4J_STRATEGY_LEGACY, "strategy");

/* The internal package as a JNI class-name prefix ("io/overlay4j/internal/"), read from
 * this library's file name. A string, not a reference: the shim keeps no reference to
 * any class, which would pin the class loader that loaded it, and with it every copy
 * of the application an app server redeploys. Each class loader loads its own copy of
 * the library, so each copy has its own. */
static char package[512] = "io/overlay4j/internal/";

static void read_package(void)
{
    static const char prefix[] = "liboverlay4j-", suffix[] = ".so";
    Dl_info info;
    const char *name;
    size_t n;

    if (!dladdr((void *)read_package, &info) || !info.dli_fname)
        return;
    name = strrchr(info.dli_fname, '/');
    name = name ? name + 1 : info.dli_fname;
    n = strlen(name);
    if (strncmp(name, prefix, sizeof prefix - 1) != 0 || n <= sizeof prefix - 1 + sizeof suffix - 1 ||
        strcmp(name + n - (sizeof suffix - 1), suffix) != 0)
        return; /* another name (a build of its own, loaded by path): the default package */
    n -= sizeof prefix - 1 + sizeof suffix - 1;
    if (n + 2 > sizeof package)
        return;
    memcpy(package, name + sizeof prefix - 1, n);
    package[n] = '/';
    package[n + 1] = '\0';
    for (char *c = package; *c; c++)
        if (*c == '.')
            *c = '/';
}

static jclass find_class(JNIEnv *env, const char *simple_name)
{
    char name[sizeof package + 32];

    snprintf(name, sizeof name, "%s%s", package, simple_name);
    return (*env)->FindClass(env, name);
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

    if ((*env)->ExceptionCheck(env) || !(cls = find_class(env, "SyscallException")))
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
/* A new mount's facts for Java: its never-reused ID and the flags it has into made; returns its ID. */
static jlong made_by(JNIEnv *env, const struct o4j_result *r, jlongArray made)
{
    jlong values[2] = {(jlong)r->mount_uid, (jlong)(jint)r->flags_seen};

    (*env)->SetLongArrayRegion(env, made, 0, 2, values);
    return (jlong)r->mount_id;
}

static jlong JNICALL jni_mount(JNIEnv *env, jclass cls, jbyteArray spec,
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
        else
            mount_id = made_by(env, &r, made);
    }
    if (dest)
        release(dest, target_buf);
    decoded_free(&d);
    return mount_id;
}

static jlong JNICALL jni_mountUid(JNIEnv *env, jclass cls, jbyteArray path)
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

static void JNICALL jni_unmount(JNIEnv *env, jclass cls,
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

static jbyteArray JNICALL jni_resolveDirectory(JNIEnv *env, jclass cls,
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

static jlong JNICALL jni_unmountIf(JNIEnv *env, jclass cls,
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

static jint JNICALL jni_probeStrategy(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return (jint)o4j_probe_strategy();
}

static jbyteArray JNICALL jni_formatOptions(JNIEnv *env, jclass cls,
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

static jbyteArray JNICALL jni_decodeMountinfo(JNIEnv *env, jclass cls,
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

static jint JNICALL jni_listMounts(JNIEnv *env, jclass cls, jlongArray ids)
{
    jsize n = (*env)->GetArrayLength(env, ids);
    unsigned long long *buf = malloc(((size_t)n + 1) * sizeof *buf);
    long got;

    (void)cls;
    if (!buf) {
        throw_syscall(env, ENOMEM, "malloc", NULL, NULL);
        return 0;
    }
    got = o4j_list_mounts(0, buf, (size_t)n);
    if (got < 0)
        throw_syscall(env, (int)-got, "listmount", NULL, NULL);
    else
        (*env)->SetLongArrayRegion(env, ids, 0, (jsize)got, (const jlong *)buf);
    free(buf);
    return (jint)got;
}

static jbyteArray JNICALL jni_statOverlay(JNIEnv *env, jclass cls, jlong uid)
{
    char small[1024], *blob = small;
    size_t cap = sizeof small;
    long need = o4j_stat_overlay((unsigned long long)uid, small, cap);
    jbyteArray result = NULL;

    (void)cls;
    /* Asked again with room for what the last answer needed, until an answer fits. */
    while (need >= (long)cap && blob) {
        if (blob != small)
            free(blob);
        cap = (size_t)need + 1;
        if ((blob = malloc(cap)) != NULL)
            need = o4j_stat_overlay((unsigned long long)uid, blob, cap);
    }
    if (!blob)
        throw_syscall(env, ENOMEM, "malloc", NULL, NULL);
    else if (need < 0)
        throw_syscall(env, (int)-need, "statmount", NULL, NULL);
    else if (need > 0 && (result = (*env)->NewByteArray(env, (jsize)need)) != NULL)
        (*env)->SetByteArrayRegion(env, result, 0, (jsize)need, (const jbyte *)blob);
    if (blob != small)
        free(blob);
    return result;
}

static jstring JNICALL jni_errnoName(JNIEnv *env, jclass cls,
                                                                  jint errnum)
{
    const char *name = o4j_errno_name(errnum);

    (void)cls;
    return name ? (*env)->NewStringUTF(env, name) : NULL;
}

static jint JNICALL jni_errnoValue(JNIEnv *env, jclass cls,
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

static jbyteArray JNICALL jni_strerror(JNIEnv *env, jclass cls,
                                                                    jint errnum)
{
    char buf[256];

    (void)cls;
    return to_bytes(env, o4j_strerror(errnum, buf, sizeof buf));
}

static jint JNICALL jni_interfaceVersion(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return io_overlay4j_internal_Jni_INTERFACE_VERSION;
}

static jint JNICALL jni_detach(JNIEnv *env, jclass cls, jbyteArray spec, jint flags, jint strategy)
{
    struct decoded d;
    struct o4j_result r;
    int fd = -1;

    (void)cls;
    if (decode_spec(env, spec, &d) == 0) {
        d.ov.flags = (unsigned)flags;
        if (o4j_detach(&d.ov, (enum o4j_strategy)strategy, &r, &fd) != 0)
            throw_syscall(env, r.err, r.op, r.path, r.log);
    }
    decoded_free(&d);
    return fd;
}

static jlong JNICALL jni_attach(JNIEnv *env, jclass cls, jint fd, jbyteArray target, jlongArray target_id,
                                jint flags, jlongArray made)
{
    struct o4j_id tid;
    struct o4j_result r;
    char buf[512], *dest = copy_in(env, target, buf, sizeof buf, NULL);
    jlong mount_id = 0;

    (void)cls;
    if (!dest)
        return 0;
    get_id(env, target_id, &tid);
    if (o4j_attach(fd, dest, &tid, (unsigned)flags, &r) != 0) {
        throw_syscall(env, r.err, r.op, r.path, r.log);
    } else {
        mount_id = made_by(env, &r, made);
    }
    release(dest, buf);
    return mount_id;
}

static void JNICALL jni_closeDetached(JNIEnv *env, jclass cls, jint fd)
{
    (void)env;
    (void)cls;
    close(fd);
}

/* A blob of entries (o4j_read_dir, o4j_describe) as a byte[]; throws for a failed call. */
static jbyteArray blob_result(JNIEnv *env, int rc, struct o4j_blob *b)
{
    jbyteArray result = NULL;

    if (rc < 0)
        throw_syscall(env, -rc, b->op ? b->op : "malloc", b->op ? b->path : NULL, NULL);
    else if (rc == 0 && (result = (*env)->NewByteArray(env, (jsize)b->len)) != NULL)
        (*env)->SetByteArrayRegion(env, result, 0, (jsize)b->len, (const jbyte *)b->data);
    o4j_blob_free(b);
    return result;
}

static jbyteArray JNICALL jni_readDirectory(JNIEnv *env, jclass cls, jbyteArray dir)
{
    char buf[512];
    char *p = copy_in(env, dir, buf, sizeof buf, NULL);
    struct o4j_blob b = {0};
    jbyteArray result;

    (void)cls;
    if (!p)
        return NULL;
    result = blob_result(env, o4j_read_dir(p, &b), &b);
    release(p, buf);
    return result;
}

static jbyteArray JNICALL jni_describe(JNIEnv *env, jclass cls, jbyteArray path)
{
    char buf[512];
    char *p = copy_in(env, path, buf, sizeof buf, NULL);
    struct o4j_blob b = {0};
    jbyteArray result;

    (void)cls;
    if (!p)
        return NULL;
    result = blob_result(env, o4j_describe(p, &b), &b);
    release(p, buf);
    return result;
}

static const JNINativeMethod methods[] = {
    {"interfaceVersion", "()I", (void *)jni_interfaceVersion},
    {"mount", "([BI[B[JI[J)J", (void *)jni_mount},
    {"mountUid", "([B)J", (void *)jni_mountUid},
    {"unmount", "([BI)V", (void *)jni_unmount},
    {"unmountIf", "([BJJI)J", (void *)jni_unmountIf},
    {"resolveDirectory", "([B[J)[B", (void *)jni_resolveDirectory},
    {"probeStrategy", "()I", (void *)jni_probeStrategy},
    {"formatOptions", "([B)[B", (void *)jni_formatOptions},
    {"decodeMountinfo", "([B)[B", (void *)jni_decodeMountinfo},
    {"errnoName", "(I)Ljava/lang/String;", (void *)jni_errnoName},
    {"errnoValue", "(Ljava/lang/String;)I", (void *)jni_errnoValue},
    {"strerror", "(I)[B", (void *)jni_strerror},
    {"detach", "([BII)I", (void *)jni_detach},
    {"attach", "(I[B[JI[J)J", (void *)jni_attach},
    {"closeDetached", "(I)V", (void *)jni_closeDetached},
    {"listMounts", "([J)I", (void *)jni_listMounts},
    {"statOverlay", "(J)[B", (void *)jni_statOverlay},
    {"readDirectory", "([B)[B", (void *)jni_readDirectory},
    {"describe", "([B)[B", (void *)jni_describe},
};

/* Binds the natives to the Jni class of the package the file name gives. When they do
 * not match (a shim from another build), only interfaceVersion is bound, so that the
 * Java side reports the mismatch rather than a bare UnsatisfiedLinkError. */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    JNIEnv *env;
    jclass jni;

    (void)reserved;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    read_package();
    if (!(jni = find_class(env, "Jni")))
        return JNI_ERR; /* the pending NoClassDefFoundError names the class looked for */
    if ((*env)->RegisterNatives(env, jni, methods, sizeof methods / sizeof methods[0]) != 0) {
        (*env)->ExceptionClear(env);
        (*env)->RegisterNatives(env, jni, methods, 1);
        (*env)->ExceptionClear(env);
    }
    (*env)->DeleteLocalRef(env, jni);
    return JNI_VERSION_1_8;
}
