# ndmem front door. Two commands matter:
#   make demo   builds the library and runs the examples
#   make test   everything: cargo tests (incl. the C tests), fmt, clippy, header and binding
#               checks, the C tests under valgrind (the thread-stress test under helgrind too),
#               and the Python suite against NumPy
# Both install what they need (a Python venv with the pinned numpy, pytest, hypothesis of
# bindings/python/requirements-test.txt; valgrind through
# apt when missing and we are root) or stop with a message saying what to install.

PYTHON ?= python3
CARGO  ?= cargo
CC     ?= cc
CXX    ?= c++
# make's built-in FC is f77: use gfortran unless FC is given on the command line or environment.
ifeq ($(origin FC),default)
FC     := gfortran
endif
FBUILD := target/fortran
VENV   := .venv
PY     := $(VENV)/bin/python
RELEASE_LIB := $(CURDIR)/target/release/libndmem.so
PYENV  := NDMEM_LIBRARY=$(RELEASE_LIB) PYTHONPATH=$(CURDIR)/bindings/python

.PHONY: demo test test-explore bench build tools install uninstall install-test fmt-check clippy cargo-test header ffi-check valgrind helgrind fortran fortran-objs fortran-test pytest fuzz sanitize clean

build: tools
	$(CARGO) build --release

tools:
	@command -v $(CARGO) >/dev/null || { echo "error: cargo not found: install Rust (https://rustup.rs)"; exit 1; }
	@command -v $(CC) >/dev/null || { echo "error: no C compiler ($(CC)): install gcc or clang"; exit 1; }
	@command -v $(CXX) >/dev/null || { echo "error: no C++ compiler ($(CXX)): install g++ or clang++"; exit 1; }
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found: install Python 3.9+"; exit 1; }

PYREQS := bindings/python/requirements-test.txt

$(VENV)/.ready: $(PYREQS)
	@$(PYTHON) -m venv $(VENV) || { echo "error: '$(PYTHON) -m venv' failed: install the python3-venv package"; exit 1; }
	$(PY) -m pip install -q --disable-pip-version-check -r $(PYREQS)
	@touch $@

demo: build $(VENV)/.ready fortran-objs
	@mkdir -p build
	$(CC) -std=c11 -Wall -Wextra -Werror -Iinclude examples/c/foreign_buffer.c \
	    -Ltarget/release -Wl,-rpath,$(CURDIR)/target/release -lndmem -o build/foreign_buffer
	@echo "--- C: a foreign buffer shared zero-copy ---"
	./build/foreign_buffer
	@echo "--- Python: sharing memory with NumPy ---"
	$(PYENV) $(PY) examples/python/zero_copy.py
	$(CXX) -std=c++17 -Wall -Wextra -Werror -Iinclude -Ibindings/cpp examples/cpp/shared_vector.cpp \
	    -Ltarget/release -Wl,-rpath,$(CURDIR)/target/release -lndmem -o build/shared_vector
	@echo "--- C++: a std::vector shared with ndmem ---"
	./build/shared_vector
	$(FC) -std=f2018 -Wall -Werror -I$(FBUILD) examples/fortran/section.f90 $(FOBJS) $(FLINK) \
	    -o $(FBUILD)/section
	@echo "--- Fortran: an array section updated in place by an ndmem ufunc ---"
	./$(FBUILD)/section
	@echo "--- One file, four languages, no copies: C creates, C++ scales, Fortran adds, Python reads ---"
	$(CC) -std=c11 -Wall -Wextra -Werror -Iinclude examples/shared/step1_create.c $(LINK) -o build/step1
	$(CXX) -std=c++17 -Wall -Wextra -Werror -Iinclude -Ibindings/cpp examples/shared/step2_scale.cpp \
	    $(LINK) -o build/step2
	$(FC) -std=f2018 -Wall -Werror -I$(FBUILD) examples/shared/step3_column.f90 $(FOBJS) $(FLINK) \
	    -o build/step3
	cd build && ./step1 && ./step2 && ./step3 && $(PYENV) ../$(PY) ../examples/shared/step4_read.py \
	    && rm -f shared.npy
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -Iinclude examples/c/large_file_sum.c \
	    -Ltarget/release -Wl,-rpath,$(CURDIR)/target/release -lndmem -o build/large_file_sum
	@echo "--- C: a 64 MiB .npy written and summed block by block through a memory map ---"
	./build/large_file_sum build/demo_64mib.npy 64 && rm -f build/demo_64mib.npy

test: tools fmt-check clippy cargo-test ffi-check valgrind helgrind fortran-test pytest install-test demo
	@echo "make test: all checks passed"

# Benchmarks (not part of `make test`): criterion benches, then ndmem vs NumPy in one run.
bench: build $(VENV)/.ready
	$(CARGO) bench
	$(PYENV) $(PY) benches/compare_alloc.py
	$(PYENV) $(PY) benches/compare_copy.py
	$(PYENV) $(PY) benches/compare_ufunc.py
	$(PYENV) $(PY) benches/compare_records.py
	$(PYENV) $(PY) benches/compare_npy.py
	CC=$(CC) PY=$(PY) PYENV="$(PYENV)" sh benches/large_file.sh
	$(CC) -O2 -Iinclude benches/c/small_call.c -Ltarget/release -lndmem \
		-Wl,-rpath,$(CURDIR)/target/release -o target/small_call && target/small_call
	$(PYENV) $(PY) benches/compare_grow.py
	$(CC) -O2 -Iinclude benches/c/append.c -Ltarget/release -lndmem \
		-Wl,-rpath,$(CURDIR)/target/release -o target/append && target/append
	$(PYENV) $(PY) benches/compare_dlpack.py
	$(CC) -O2 -Iinclude benches/c/dlpack.c -Ltarget/release -lndmem \
		-Wl,-rpath,$(CURDIR)/target/release -o target/dlpack && target/dlpack

fmt-check:
	$(CARGO) fmt --check

clippy:
	$(CARGO) clippy --all-targets --all-features -- -D warnings

# Builds the library (debug), runs the Rust unit tests and tests/c_api.rs, which compiles
# c_tests/*.c against include/ndmem.h and libndmem.so and runs them.
cargo-test:
	$(CARGO) test

# build.rs generates the header into OUT_DIR; `make header` copies it to include/ndmem.h (commit
# it). cargo-test fails (committed_header_is_the_generated_one) when the committed copy is stale.
header:
	NDMEM_UPDATE_HEADER=1 $(CARGO) build --release
	@echo "header: include/ndmem.h regenerated"

# The ctypes declarations are generated from the header and must match it.
ffi-check: $(VENV)/.ready cargo-test
	$(PY) bindings/python/gen_ffi.py --check
	@echo "ffi-check: bindings/python/ndmem/_ffi.py matches include/ndmem.h"

valgrind: cargo-test
	@command -v valgrind >/dev/null || { \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; \
	    else echo "error: valgrind not found: install it (apt-get install valgrind)"; exit 1; fi; }
	@set -e; for t in target/c_tests/test_*; do \
	    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --suppressions=c_tests/valgrind.supp \
	        $$t >/dev/null || { echo "valgrind: errors or leaks in $$t"; exit 1; }; \
	    echo "valgrind: $$t: no errors, no leaks"; \
	done

# The thread-stress test (c_tests/test_threads.c) under helgrind, against a library built to
# tell helgrind about its own synchronisation (feature `helgrind`, src/sync.rs); what of Rust's
# standard library helgrind cannot see is listed, with why, in c_tests/helgrind.supp. Any
# report fails.
helgrind: valgrind
	$(CARGO) build --features helgrind --target-dir target/helgrind
	$(CC) -std=c11 -Wall -Wextra -Werror -g -Iinclude c_tests/test_threads.c -Ltarget/helgrind/debug \
	    -Wl,-rpath,$(CURDIR)/target/helgrind/debug -lndmem -lm -pthread -o target/helgrind/test_threads
	valgrind -q --tool=helgrind --error-exitcode=1 --suppressions=c_tests/helgrind.supp \
	    target/helgrind/test_threads >/dev/null
	@echo "helgrind: test_threads: no races"

# Not in `make test` (nightly Rust): the C, C++ and Fortran tests under AddressSanitizer, the
# thread-stress test under ThreadSanitizer (c_tests/sanitize.sh).
sanitize: tools fortran
	CC=$(CC) CXX=$(CXX) FC=$(FC) sh c_tests/sanitize.sh

# Not in `make test` (nightly Rust, cargo-fuzz): each fuzz target for FUZZ_SECONDS (default 180)
# seconds (fuzz/run.sh). `make test` replays the committed corpora (tests/fuzz_replay.rs).
fuzz:
	sh fuzz/run.sh

# gfortran >= 12 (assumed-rank/assumed-type dummies and ISO_Fortran_binding.h), installed through
# apt when missing and we are root.
fortran:
	@command -v $(FC) >/dev/null || { \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gfortran >/dev/null; \
	    else echo "error: $(FC) not found: install gfortran 12 or newer (apt-get install gfortran)"; exit 1; fi; }
	@v=$$($(FC) -dumpversion | cut -d. -f1); [ "$$v" -ge 12 ] || { echo "error: $(FC) $$v is too old: ndmem's Fortran binding needs gfortran >= 12"; exit 1; }

# The generated interfaces must match the header; then the Fortran tests build against the
# release library and run, also under valgrind.
FOBJS := $(FBUILD)/ndmem.o $(FBUILD)/ndmem_c.o $(FBUILD)/ndmem_pointers.o $(FBUILD)/ndmem_cfi.o
LINK  := -Ltarget/release -Wl,-rpath,$(CURDIR)/target/release -lndmem
FLINK := $(LINK)

fortran-objs: fortran build
	$(PYTHON) bindings/fortran/gen_interfaces.py --check
	@mkdir -p $(FBUILD)
	$(FC) -std=f2018 -Wall -Werror -g -J $(FBUILD) -c bindings/fortran/ndmem_c.f90 -o $(FBUILD)/ndmem_c.o
	$(FC) -std=f2018 -Wall -Werror -g -J $(FBUILD) -c bindings/fortran/ndmem_pointers.f90 -o $(FBUILD)/ndmem_pointers.o
	$(FC) -std=f2018 -Wall -Werror -g -J $(FBUILD) -c bindings/fortran/ndmem.f90 -o $(FBUILD)/ndmem.o
	$(CC) -std=c11 -Wall -Wextra -Werror -g -Iinclude -I$$($(FC) -print-file-name=include) \
	    -c bindings/fortran/ndmem_cfi.c -o $(FBUILD)/ndmem_cfi.o

fortran-test: fortran-objs
	$(PYTHON) -c "import sys; r = open('README.md').read(); e = open('examples/fortran/section.f90').read(); sys.exit(0 if '\`\`\`fortran\n' + e + '\`\`\`' in r else 'README.md must show examples/fortran/section.f90')"
	$(FC) -std=f2018 -Wall -Werror -I$(FBUILD) examples/fortran/section.f90 $(FOBJS) $(FLINK) -o $(FBUILD)/section
	test "$$($(FBUILD)/section | tr -s ' ' | head -1)" = " 100. 2. 300. 4."
	@for f in bindings/fortran/tests/must_fail/*.f90; do \
	    if $(FC) -std=f2018 -I$(FBUILD) -c $$f -o $(FBUILD)/must_fail.o 2>$(FBUILD)/must_fail.log; then \
	        echo "error: $$f compiled: ndm_wrap must refuse temporaries"; exit 1; fi; \
	    grep -q "INTENT" $(FBUILD)/must_fail.log || { cat $(FBUILD)/must_fail.log; \
	        echo "error: $$f failed to compile for another reason"; exit 1; }; \
	done; echo "fortran-test: ndm_wrap refuses temporaries (vector subscripts, expressions)"
	$(FC) -std=f2018 -Wall -Werror -g -cpp -ffree-line-length-none -DNDM_TEST_DATA="'$(CURDIR)/tests/data'" \
	    -I$(FBUILD) -J $(FBUILD) bindings/fortran/tests/test_fortran.f90 $(FOBJS) $(FLINK) -o $(FBUILD)/test_fortran
	$(FBUILD)/test_fortran
	valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --suppressions=c_tests/valgrind.supp \
	    $(FBUILD)/test_fortran >/dev/null
	@echo "fortran-test: no errors, no leaks under valgrind"

# Deterministic: hypothesis draws the same examples on every run (profile "ci", conftest.py).
pytest: build $(VENV)/.ready
	$(PYENV) $(PY) -m pytest -q bindings/python/tests

# Not in `make test`: fresh random hypothesis examples, ten times as many (profile "explore").
# Run it before resolving an issue; turn whatever it finds into a regression test.
test-explore: build $(VENV)/.ready
	$(PYENV) NDMEM_HYPOTHESIS_PROFILE=explore $(PY) -m pytest -q -x bindings/python/tests

# --- installing ---------------------------------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=staging root] [LIBDIR=$(PREFIX)/lib]: the shared
# library as libndmem.so.X.Y.Z with its SONAME and development symlinks, libndmem.a, the C and
# C++ headers, the Fortran module sources and their C shim (share/ndmem/fortran), ndmem.pc and
# the CMake package (lib/cmake/ndmem). packaging/install_files.py states the names and writes
# the build files. `make uninstall` (same PREFIX/DESTDIR) removes exactly those files, then the
# directories they were in that are left empty.
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
FORTDIR ?= $(PREFIX)/share/ndmem/fortran
INSTALL_INFO = $(PYTHON) packaging/install_files.py --print
# The release profile keeps line tables for profiling (Cargo.toml); installed copies drop them.
STRIP   ?= strip
D := $(DESTDIR)

install: build
	@set -e; real=$$($(INSTALL_INFO) realname); so=$$($(INSTALL_INFO) soname); \
	install -d $(D)$(LIBDIR) $(D)$(INCDIR) $(D)$(FORTDIR); \
	install -m 755 target/release/libndmem.so $(D)$(LIBDIR)/$$real; \
	ln -sf $$real $(D)$(LIBDIR)/$$so; ln -sf $$real $(D)$(LIBDIR)/libndmem.so; \
	install -m 644 target/release/libndmem.a $(D)$(LIBDIR)/libndmem.a; \
	$(STRIP) --strip-unneeded $(D)$(LIBDIR)/$$real; $(STRIP) --strip-debug $(D)$(LIBDIR)/libndmem.a; \
	install -m 644 $$($(INSTALL_INFO) headers) $(D)$(INCDIR)/; \
	install -m 644 $$($(INSTALL_INFO) fortran) $(D)$(FORTDIR)/; \
	$(PYTHON) packaging/install_files.py $(D)$(PREFIX) --prefix $(PREFIX); \
	echo "installed ndmem $$($(INSTALL_INFO) version) into $(D)$(PREFIX)"

uninstall:
	@set -e; for f in $$($(INSTALL_INFO) realname) $$($(INSTALL_INFO) soname) libndmem.so libndmem.a \
	        pkgconfig/ndmem.pc cmake/ndmem/ndmemConfig.cmake cmake/ndmem/ndmemConfigVersion.cmake; do \
	    rm -f $(D)$(LIBDIR)/$$f; done; \
	for f in $$($(INSTALL_INFO) headers); do rm -f $(D)$(INCDIR)/$$(basename $$f); done; \
	for f in $$($(INSTALL_INFO) fortran); do rm -f $(D)$(FORTDIR)/$$(basename $$f); done; \
	for d in $(D)$(FORTDIR) $(D)$(PREFIX)/share/ndmem $(D)$(LIBDIR)/cmake/ndmem $(D)$(LIBDIR)/cmake \
	        $(D)$(LIBDIR)/pkgconfig $(D)$(LIBDIR) $(D)$(INCDIR) $(D)$(PREFIX)/share; do \
	    rmdir $$d 2>/dev/null || true; done; \
	echo "uninstalled ndmem from $(D)$(PREFIX)"

# Installs into a temporary prefix and builds against it as users do: C with pkg-config, CMake
# with find_package, C++ and Fortran; checks the SONAME and exported symbols; pip installs the
# project into a fresh venv and builds C with `python -m ndmem --cflags --libs`; uninstalls.
# cmake and pkg-config come from apt when missing and we are root.
install-test: build fortran
	@for tool in cmake:cmake pkg-config:pkgconf readelf:binutils; do \
	    command -v $${tool%%:*} >/dev/null || { \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $${tool##*:} >/dev/null; \
	    else echo "error: $${tool%%:*} not found: install it (apt-get install $${tool##*:})"; exit 1; fi; }; done
	CC=$(CC) CXX=$(CXX) FC=$(FC) PYTHON=$(PYTHON) MAKE="$(MAKE)" sh tests/install/check.sh

clean:
	$(CARGO) clean
	rm -rf build $(VENV)
