/*
 * Floor (c): floor (a)'s loop run in C inside a JVM through one JNI call, the best any
 * in-process Java library can do. Java: io.overlay4j.bench.JniFloor.run(String[] args), args
 * as bench_floor's after the program name; returns each cycle's nanoseconds, or null when the
 * option string does not fit one page.
 */
#include <errno.h>
#include <jni.h>
#include <stdlib.h>
#include <string.h>

#include "floor_cycles.h"

JNIEXPORT jlongArray JNICALL Java_io_overlay4j_bench_JniFloor_run(JNIEnv *env, jclass cls, jobjectArray args)
{
    jsize argc = (*env)->GetArrayLength(env, args);
    char **argv = calloc((size_t)argc + 1, sizeof *argv);
    long long *ns = NULL;
    jlongArray result = NULL;
    int cycles = 0, rc = 1;

    (void)cls;
    for (jsize i = 0; argv && i < argc; i++) {
        jstring s = (jstring)(*env)->GetObjectArrayElement(env, args, i);
        const char *utf = (*env)->GetStringUTFChars(env, s, NULL);

        argv[i] = strdup(utf);
        (*env)->ReleaseStringUTFChars(env, s, utf);
        (*env)->DeleteLocalRef(env, s);
    }
    if (argv && argc >= 6 && (cycles = atoi(argv[1])) > 0 && (ns = malloc(sizeof *ns * (size_t)cycles)) != NULL)
        rc = floor_run(argv[0][0], cycles, atoi(argv[2]), argv[3], strcmp(argv[4], "-") ? argv[4] : NULL,
                       strcmp(argv[5], "-") ? argv[5] : NULL, argv + 6, argc - 6, ns);
    if (rc == 0 && (result = (*env)->NewLongArray(env, cycles)) != NULL)
        (*env)->SetLongArrayRegion(env, result, 0, cycles, (const jlong *)ns);
    else if (rc == 1)
        (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/IllegalStateException"), strerror(errno));
    for (jsize i = 0; argv && i < argc; i++)
        free(argv[i]);
    free(argv);
    free(ns);
    return result;
}
