# Cross-compiles for Linux O4J_ARCH (a name of cmake/architectures) with Debian's gcc-O4J_TRIPLE; the
# tests run under qemu-O4J_ARCH-static where it is installed (qemu-user-static), named explicitly so
# that binfmt_misc need not be set up. cmake/shims.sh passes both.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${O4J_ARCH})

# The compiler checks' try_compile projects read this file again, with these two.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES O4J_ARCH O4J_TRIPLE)
find_program(CMAKE_C_COMPILER ${O4J_TRIPLE}-gcc)
if(NOT CMAKE_C_COMPILER)
  message(FATAL_ERROR "${O4J_TRIPLE}-gcc not found; apt-get install gcc-${O4J_TRIPLE}")
endif()
find_program(O4J_QEMU qemu-${O4J_ARCH}-static)
if(O4J_QEMU)
  # -L: where qemu finds the target's dynamic loader and libc (installed with the cross compiler).
  set(CMAKE_CROSSCOMPILING_EMULATOR "${O4J_QEMU};-L;/usr/${O4J_TRIPLE}")
endif()

set(CMAKE_FIND_ROOT_PATH /usr/${O4J_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
