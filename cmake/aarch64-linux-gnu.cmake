# Cross-compiles the C core and its tests for Linux aarch64 (Debian's gcc-aarch64-linux-gnu) and runs
# the tests under qemu-user (qemu-user-static). qemu is named explicitly: binfmt_misc need not be set up.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(help "apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static")
find_program(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
if(NOT CMAKE_C_COMPILER)
  message(FATAL_ERROR "aarch64-linux-gnu-gcc not found; ${help}")
endif()
find_program(O4J_QEMU_AARCH64 qemu-aarch64-static)
if(NOT O4J_QEMU_AARCH64)
  message(FATAL_ERROR "qemu-aarch64-static not found (needed to run the aarch64 tests); ${help}")
endif()
# -L: where qemu finds the aarch64 dynamic loader and libc (installed with the cross compiler).
set(CMAKE_CROSSCOMPILING_EMULATOR "${O4J_QEMU_AARCH64};-L;/usr/aarch64-linux-gnu")

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
