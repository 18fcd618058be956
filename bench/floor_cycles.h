/* The floors' cycles (bench/floor.c prints them; bench/floor_jni.c runs them inside a JVM). */
#ifndef FLOOR_CYCLES_H
#define FLOOR_CYCLES_H

/*
 * Runs `cycles` cycles of mode 'a' (mount(2) with the option string, then umount2(2)), 'b'
 * (fsopen, fsconfig strings, create, fsmount, move_mount, close, then umount2(2)) or 'd' (the
 * superblock made once as in b, untimed; each cycle open_tree(OPEN_TREE_CLONE) of it,
 * move_mount, close, umount2(2)), timing each into ns. upper and work may be NULL. Returns 0; 3 when mode a's option string would not fit
 * mount(2)'s page; 1 when a cycle failed (errno tells why).
 */
int floor_run(char mode, int cycles, int ro, const char *target, const char *upper, const char *work,
              char **lowers, int n, long long *ns);

#endif
