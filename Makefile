# neuralode.h: build, test, figures and benchmarks.
# make test   unit tests + every chapter in --quick mode; ends with "N passed, N failed"
# make plots  every chapter in full mode; regenerates every figure under plots/
# See `make help`.

CC      ?= cc
CXX     ?= c++
# The host's vector width for local builds: with contraction to FMA off, the same bits as the
# portable flags (make check compares the two builds). NATIVE= builds portable code.
NATIVE  ?= $(shell $(CC) -march=native -ffp-contract=off -E -x c /dev/null > /dev/null 2>&1 && echo -march=native -ffp-contract=off)
PORTABLE_CFLAGS := -std=c99 -O2 -g -Wall -Wextra -Wpedantic
CFLAGS  ?= $(PORTABLE_CFLAGS) $(NATIVE)
LDLIBS  := -lm
BUILD   := build

TESTS    := $(filter-out tests/test_main.c,$(wildcard tests/test_*.c))
CHAPTERS := $(sort $(wildcard chapters/[0-9][0-9]_*.c))
CH_BINS  := $(patsubst chapters/%.c,$(BUILD)/%,$(CHAPTERS))
EXAMPLES := $(patsubst examples/%.c,$(BUILD)/ex_%,$(wildcard examples/*.c))
PNG_OBJ  := $(BUILD)/ndeplot_png.o

.PHONY: all test check fuzz plots plots-chapters bench bench-peer bench-torch clean help deps deps-plots FORCE install uninstall book

all: $(BUILD)/test_all $(CH_BINS) $(EXAMPLES) $(BUILD)/bench

help:
	@echo "make            build tests, chapters, examples and benchmarks into $(BUILD)/"
	@echo "make test       run the unit tests and every chapter with --quick"
	@echo "make check      the tests under ASan+UBSan, plus C++, static and two-TU builds"
	@echo "make fuzz       every tests/fuzz/fuzz_*.c under libFuzzer+ASan+UBSan, FUZZ_SECONDS each (60)"
	@echo "make plots      run every chapter in full and regenerate plots/ (PNG + gnuplot)"
	@echo "make bench      print BENCH lines (speed as ratios against references)"
	@echo "make bench-peer our dopri5 against CVODES in the same run (needs libsundials-dev)"
	@echo "make bench-torch the spiral job in PyTorch next to ours (needs python3-torch)"
	@echo "make chNN       build and run chapter NN in full, e.g. make ch01"
	@echo "make book       weave README, chapters, figures and the last make plots logs into build/book/index.html"
	@echo "make install    PREFIX=/usr/local: the headers, ndeplot_png.c and neuralode.pc (pkg-config)"
	@echo "make uninstall  remove exactly the files make install put there (same PREFIX)"
	@echo "make clean      remove $(BUILD)/"

# Install libstb-dev when missing and root (and, for make plots, gnuplot); else say how.
deps:
	@sh tools/deps.sh --stb-only

deps-plots:
	@sh tools/deps.sh

$(BUILD):
	@mkdir -p $(BUILD)

$(PNG_OBJ): ndeplot_png.c | $(BUILD) deps
	$(CC) $(CFLAGS) -c $< -o $@

TEST_LIB := tests/check.c tests/problems.c tests/nde_impl.c

$(BUILD)/test_all: tests/test_main.c $(TEST_LIB) $(TESTS) $(wildcard chapters/*.h) tests/check.h tests/problems.h tests/fixtures/refs.h neuralode.h ndeplot.h $(PNG_OBJ) | $(BUILD)
	$(CC) $(CFLAGS) -I. -o $@ tests/test_main.c $(TEST_LIB) $(TESTS) $(PNG_OBJ) $(LDLIBS)

# The chapters are standalone programs (each defines NEURALODE_IMPLEMENTATION) linked here
# against the implementation compiled once (NEURALODE_NO_IMPLEMENTATION): 2 s a chapter
# instead of 7. Chapter 09 runs its 15 independent trainings side by side when the compiler
# has OpenMP, so it links an OpenMP build of the implementation.
CH_DEPS := $(wildcard chapters/*.h) tests/fixtures/refs.h tests/problems.c tests/problems.h neuralode.h ndeplot.h $(PNG_OBJ)
$(BUILD)/nde_impl.o: tests/nde_impl.c neuralode.h | $(BUILD)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/nde_impl_omp.o: tests/nde_impl.c neuralode.h | $(BUILD)
	$(CC) $(CFLAGS) $(OPENMP) -c $< -o $@

$(BUILD)/09_architectures: chapters/09_architectures.c $(CH_DEPS) $(BUILD)/nde_impl_omp.o | $(BUILD)
	$(CC) $(CFLAGS) $(OPENMP) -DNEURALODE_NO_IMPLEMENTATION -I. -o $@ $< $(BUILD)/nde_impl_omp.o $(PNG_OBJ) $(LDLIBS)

$(BUILD)/%: chapters/%.c $(CH_DEPS) $(BUILD)/nde_impl.o | $(BUILD)
	$(CC) $(CFLAGS) -DNEURALODE_NO_IMPLEMENTATION -I. -o $@ $< $(BUILD)/nde_impl.o $(PNG_OBJ) $(LDLIBS)

$(BUILD)/ex_%: examples/%.c neuralode.h ndeplot.h $(PNG_OBJ) | $(BUILD)
	$(CC) $(CFLAGS) -I. -o $@ $< $(PNG_OBJ) $(LDLIBS)

# Optional pieces, each probed with a test compile (empty when absent): OpenMP threads, and
# OpenBLAS (libopenblas-dev) for the bench's reference dgemm and make check's CBLAS build.
OPENMP   = $(shell echo 'int main(void){return 0;}' | $(CC) -fopenmp -x c - -o /dev/null 2>/dev/null && echo -fopenmp)
OPENBLAS = $(shell printf '\043include <cblas.h>\nint main(void){openblas_set_num_threads(1);return 0;}\n' | \
             $(CC) -x c - -o /dev/null -lopenblas 2>/dev/null && echo -lopenblas)
BENCH_SRC := bench/bench.c bench/bench_stiff.c bench/bench_odenet.c tests/problems.c

# The bench is built with the Makefile's flags (native vector width) and OpenMP, and again
# portable; the portable one prints only the mlp_wide lines. Both with OpenBLAS when present.
$(BUILD)/bench: $(BENCH_SRC) chapters/odenet.h neuralode.h tests/fixtures/refs.h tests/problems.h | $(BUILD)
	$(CC) $(CFLAGS) $(OPENMP) -DNDE_BENCH_BUILD='"$(if $(NATIVE),native,portable)"' -I. -o $@ $(BENCH_SRC) \
	  $(if $(OPENBLAS),-DNDE_BENCH_OPENBLAS $(OPENBLAS)) $(LDLIBS)

$(BUILD)/bench_portable: $(BENCH_SRC) chapters/odenet.h neuralode.h tests/fixtures/refs.h tests/problems.h | $(BUILD)
	$(CC) $(PORTABLE_CFLAGS) $(OPENMP) -I. -o $@ $(BENCH_SRC) $(if $(OPENBLAS),-DNDE_BENCH_OPENBLAS $(OPENBLAS)) $(LDLIBS)

test: $(BUILD)/test_all $(CH_BINS) $(EXAMPLES)
	@sh tools/run_tests.sh $(BUILD) $(CH_BINS)

# Sanitizers, C++11, static linkage, two translation units linked together, the unit tests
# under valgrind (when installed) and two threads under ThreadSanitizer (when supported).
VALGRIND_FLAGS := -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
                  --errors-for-leak-kinds=definite,indirect,possible
check: $(BUILD)/test_all $(BUILD)/02_linear | $(BUILD) deps
	$(CC) -std=c99 -O1 -g -Wall -Wextra -Wpedantic -Werror -fsanitize=address,undefined -fno-omit-frame-pointer -I. \
	  -o $(BUILD)/test_asan tests/test_main.c $(TEST_LIB) $(TESTS) ndeplot_png.c $(LDLIBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(BUILD)/test_asan > $(BUILD)/test_asan.log || (tail -40 $(BUILD)/test_asan.log; exit 1)
	@tail -1 $(BUILD)/test_asan.log
	$(CXX) -x c++ -std=c++11 -Wall -Wextra -Werror -I. -c tests/nde_impl.c -o $(BUILD)/impl_cxx.o
	$(CC) -std=c99 -Wall -Wextra -Wpedantic -Werror -DNEURALODE_STATIC -I. -c tests/nde_impl.c -o $(BUILD)/impl_static.o
	$(CXX) -x c++ -std=c++11 -Wall -Wextra -Werror -DNEURALODE_STATIC -I. -c tests/nde_impl.c -o $(BUILD)/impl_static_cxx.o
	$(CXX) -x c++ -std=c++11 -Wall -Wextra -Werror -I. -c tests/test_plot.c -o $(BUILD)/plot_cxx.o
	$(CC) -std=c99 -Wall -Wextra -Wpedantic -Werror -DNDEPLOT_STATIC -I. -c tests/test_plot.c -o $(BUILD)/plot_static.o
	$(CC) -std=c99 -Wall -Wextra -Wpedantic -Werror -I. -o $(BUILD)/two_tu tests/two_tu_a.c tests/two_tu_b.c tests/nde_impl.c $(LDLIBS)
	$(BUILD)/two_tu
	$(CC) $(CFLAGS) -Werror -I. -o $(BUILD)/standalone_02 chapters/02_linear.c $(PNG_OBJ) $(LDLIBS)
	@r1=$$($(BUILD)/standalone_02 --quick | tail -n 1) && r2=$$($(BUILD)/02_linear --quick | tail -n 1) && \
	  [ "$$r1" = "$$r2" ] && echo "chapter 02 built standalone (its own implementation) = linked to build/nde_impl.o: $$r1" || \
	  { echo "FAIL: chapter 02 standalone and linked differ"; exit 1; }
	sed -n '/^#if 0/,/^#endif/p' neuralode.h | sed '1d;$$d' > $(BUILD)/manual_example.c
	$(CC) -std=c99 -Wall -Wextra -Wpedantic -Werror -I. -o $(BUILD)/manual_example $(BUILD)/manual_example.c $(LDLIBS)
	$(BUILD)/manual_example
	@if command -v valgrind >/dev/null 2>&1; then \
	  echo "valgrind $(BUILD)/test_portable (all unit tests, portable flags: valgrind has no AVX-512; about 30 s of CPU)"; \
	  $(CC) $(PORTABLE_CFLAGS) -I. -o $(BUILD)/test_portable tests/test_main.c $(TEST_LIB) $(TESTS) ndeplot_png.c $(LDLIBS) && \
	  valgrind $(VALGRIND_FLAGS) $(BUILD)/test_portable > $(BUILD)/test_valgrind.log 2> $(BUILD)/test_valgrind.err || \
	    { tail -n 40 $(BUILD)/test_valgrind.err; tail -n 5 $(BUILD)/test_valgrind.log; exit 1; }; \
	  echo "valgrind: 0 errors, 0 leaks; $$(tail -n 1 $(BUILD)/test_valgrind.log)"; \
	else echo "check: valgrind not installed, skipped (apt-get install -y valgrind)"; fi
	@if $(CC) -std=c99 -O1 -g -fsanitize=thread -I. -o $(BUILD)/thread_check tests/thread_check.c $(LDLIBS) -pthread 2>/dev/null; then \
	  $(BUILD)/thread_check; \
	else echo "check: $(CC) has no -fsanitize=thread: the two-thread test is skipped"; fi
	$(CC) $(PORTABLE_CFLAGS) -Werror -I. -o $(BUILD)/bits_portable tests/kernel_bits.c $(LDLIBS)
	$(CC) $(PORTABLE_CFLAGS) -Werror -march=native -ffp-contract=off -I. -o $(BUILD)/bits_native tests/kernel_bits.c $(LDLIBS)
	@p=$$($(BUILD)/bits_portable) && n=$$($(BUILD)/bits_native) && echo "bits: portable $$p, -march=native $$n" && \
	  [ "$$p" = "$$n" ] || { echo "FAIL: -march=native changes the results' bits"; exit 1; }
	@if [ -n "$(OPENMP)" ]; then \
	  echo "OpenMP build of the tests (2 threads)"; \
	  $(CC) $(PORTABLE_CFLAGS) -Werror $(OPENMP) -I. -o $(BUILD)/test_omp tests/test_main.c $(TEST_LIB) $(TESTS) ndeplot_png.c $(LDLIBS) && \
	  OMP_NUM_THREADS=2 $(BUILD)/test_omp > $(BUILD)/test_omp.log || { tail -40 $(BUILD)/test_omp.log; exit 1; }; \
	  tail -1 $(BUILD)/test_omp.log; else echo "no OpenMP in $(CC): threaded build not tested"; fi
	@if [ -n "$(OPENBLAS)" ]; then \
	  echo "NDE_USE_CBLAS build of the tests (OpenBLAS)"; \
	  $(CC) $(PORTABLE_CFLAGS) -Werror -DNDE_USE_CBLAS -I. -o $(BUILD)/test_cblas tests/test_main.c $(TEST_LIB) $(TESTS) ndeplot_png.c $(OPENBLAS) $(LDLIBS) && \
	  $(BUILD)/test_cblas > $(BUILD)/test_cblas.log || { tail -40 $(BUILD)/test_cblas.log; exit 1; }; \
	  tail -1 $(BUILD)/test_cblas.log; else echo "no OpenBLAS (libopenblas-dev): NDE_USE_CBLAS build not tested"; fi
	@sh tools/install_check.sh $(BUILD)
	@$(MAKE) --no-print-directory book
	@echo "check: sanitizers, C++11 and static builds of both headers, two-TU link, a chapter standalone, the manual's example, valgrind, ThreadSanitizer, native = portable bits, OpenMP and CBLAS builds, install and the book all clean"

# Fuzzing: every tests/fuzz/fuzz_<name>.c is a libFuzzer target (LLVMFuzzerTestOneInput) and,
# built with -DFUZZ_WRITE_SEEDS by $(CC), a program writing valid seeds into its argument.
# Each target runs FUZZ_SECONDS from its seeds; a crash, leak, sanitizer report or an
# allocation above FUZZ_MEM_MB fails. Findings land in $(BUILD)/fuzz/<name>/ (crash-*).
FUZZ_SECONDS ?= 60
FUZZ_MEM_MB  ?= 2048
FUZZ_CC      ?= clang
FUZZERS      := $(sort $(wildcard tests/fuzz/fuzz_*.c))
fuzz: | $(BUILD)
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "make fuzz needs clang (apt-get install -y clang)"; exit 1; }
	@set -e; for src in $(FUZZERS); do \
	  name=$$(basename $$src .c); dir=$(BUILD)/fuzz/$$name; mkdir -p $$dir/corpus; \
	  $(CC) -std=c99 -O1 -g -DFUZZ_WRITE_SEEDS -I. -o $$dir/seeds $$src $(LDLIBS); \
	  $$dir/seeds $$dir/corpus; \
	  $(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I. \
	    -o $$dir/$$name $$src $(LDLIBS); \
	  echo "fuzz: $$name for $(FUZZ_SECONDS) s ($$(ls $$dir/corpus | wc -l) seeds)"; \
	  (cd $$dir && ./$$name -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=$(FUZZ_MEM_MB) \
	    -malloc_limit_mb=$(FUZZ_MEM_MB) -print_final_stats=1 corpus > $$name.log 2>&1) || \
	    { tail -n 40 $$dir/$$name.log; echo "fuzz: $$name FAILED (see $$dir/$$name.log)"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units' $$dir/$$name.log | sed "s/^/fuzz: $$name /"; \
	done; echo "fuzz: $(words $(FUZZERS)) targets clean"

# Every chapter compiled first (else make starts short chapters while the long ones still
# compile), then one run per chapter, JOBS at a time (default: one per core), the longer
# chapters first; each prints its wall and CPU time. Then the gnuplot renderings and the
# time table.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
plots: | deps-plots
	@rm -f $(BUILD)/*.plots.time; start=$$(date +%s); $(MAKE) --no-print-directory -j$(JOBS) $(CH_BINS) && \
	  $(MAKE) --no-print-directory -j$(JOBS) plots-chapters && sh tools/plots_done.sh $(BUILD) $$start

# Longest first (CPU seconds of a full run on this machine kind, 2026-12-03: 09 234, 12 116,
# 10 66, 14 52, 13 42, 02 33; the rest under 22), so that with make -j the cores finish near
# the same time.
CH_LONG  := 09 12 10 14 13 02
CH_FIRST := $(foreach n,$(CH_LONG),$(filter $(BUILD)/$(n)_%,$(CH_BINS)))
plots-chapters: $(addsuffix .plots,$(CH_FIRST) $(filter-out $(CH_FIRST),$(CH_BINS)))

$(BUILD)/%.plots: $(BUILD)/% FORCE | deps-plots
	@mkdir -p plots
	@echo "running $< (full mode)"
	@s=$$(date +%s.%N); \
	if [ -x /usr/bin/time ]; then /usr/bin/time -f '%U %S' -o $@.cpu ./$< > $@.log 2>&1; else ./$< > $@.log 2>&1; fi || \
	  { tail -n 25 $@.log; echo "$< failed: see $@.log"; exit 1; }; \
	w=$$(awk -v a=$$s -v b=$$(date +%s.%N) 'BEGIN { printf "%.1f", b - a }'); \
	c=$$(awk '{ printf "%.1f", $$1 + $$2 }' $@.cpu 2>/dev/null); \
	echo "$$w $${c:-?} $*" > $@.time; tail -n 1 $@.log; echo "$* took $$w s wall, $${c:-?} s CPU"

FORCE:

# bench_threads: every blocked product may split (NDE__THREAD_MIN=0), to find where 2 threads pay.
$(BUILD)/bench_threads: $(BENCH_SRC) chapters/odenet.h neuralode.h tests/fixtures/refs.h tests/problems.h | $(BUILD)
	$(CC) $(CFLAGS) $(OPENMP) -DNDE__THREAD_MIN=0 -I. -o $@ $(BENCH_SRC) $(LDLIBS)

# bench_serial: the Makefile's flags without OpenMP (what a default build runs), mlp_wide only.
$(BUILD)/bench_serial: $(BENCH_SRC) chapters/odenet.h neuralode.h tests/fixtures/refs.h tests/problems.h | $(BUILD)
	$(CC) $(CFLAGS) -DNDE_BENCH_BUILD='"$(if $(NATIVE),native,portable)-serial"' -I. -o $@ $(BENCH_SRC) \
	  $(if $(OPENBLAS),-DNDE_BENCH_OPENBLAS $(OPENBLAS)) $(LDLIBS)

bench: $(BUILD)/bench $(BUILD)/bench_serial $(BUILD)/bench_portable $(BUILD)/bench_threads
	@$(BUILD)/bench
	@$(BUILD)/bench_serial mlp_wide | grep -v '^# neuralode.h benchmarks'
	@$(BUILD)/bench_portable mlp_wide | grep -v '^# neuralode.h benchmarks'
	@$(BUILD)/bench_threads threads | grep -v '^# neuralode.h benchmarks'

# Optional: our dopri5 against CVODES (Debian libsundials-dev) in the same run.
bench-peer: | $(BUILD)
	@if [ -f /usr/include/cvodes/cvodes.h ]; then \
	  $(CC) $(CFLAGS) -I. -o $(BUILD)/cvodes_peer bench/cvodes_peer.c -lsundials_cvodes -lsundials_nvecserial \
	    -lsundials_sunlinsoldense -lsundials_sunmatrixdense $(LDLIBS) && $(BUILD)/cvodes_peer; \
	else echo "bench-peer needs libsundials-dev: apt-get install -y libsundials-dev"; fi

# Optional: the spiral job and one epoch of chapter 12's ODE-Net in PyTorch (own dopri5,
# autograd through it) next to ours, same run, one thread on both sides (OpenMP and BLAS
# threads off: torch.set_num_threads alone leaves OpenBLAS's); the ODE-Net line ends with the
# ratio of CPU time per iteration and the peer's time over OpenBLAS's for the products alone.
# SEEDS=0,1,...,19 for the spiral's spread; needs python3-torch.
PYTHON ?= /usr/bin/python3
SEEDS  ?= 0,1,2
bench-torch: $(BUILD)/bench
	@export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1; \
	if $(PYTHON) -c 'import torch' 2>/dev/null; then \
	  $(BUILD)/bench spiral && $(PYTHON) bench/torch_spiral_peer.py --seeds $(SEEDS) && \
	  $(BUILD)/bench odenet | tee $(BUILD)/bench_odenet.log && \
	  $(PYTHON) bench/torch_odenet_peer.py --ours-cpu-ms \
	    "0$$(sed -n 's/.*cpu_ms_per_iter=\([0-9.]*\).*/\1/p' $(BUILD)/bench_odenet.log)" --floor-ms \
	    "0$$(sed -n 's/.*odenet_openblas_products ms_per_iter=\([0-9.]*\).*/\1/p' $(BUILD)/bench_odenet.log)"; \
	else echo "bench-torch needs PyTorch: apt-get install -y python3-torch"; fi

ch%:
	@src=$$(ls chapters/$*_*.c 2>/dev/null | head -n 1); \
	test -n "$$src" || { echo "no chapter $* in chapters/"; exit 1; }; \
	bin=$(BUILD)/$$(basename $$src .c); \
	$(MAKE) --no-print-directory $$bin && ./$$bin

# The woven book (tools/book.sh: POSIX sh + awk), then its checks (chapters, figures, links,
# tidy, xmllint, a Chromium screenshot when installed). Numbers come from the logs of the last
# make plots (build/NN_*.plots.log) when present.
book: | $(BUILD)
	@sh tools/book.sh $(BUILD)/book
	@sh tools/book_check.sh $(BUILD)/book

# Install the header library for other projects (header-only: the pkg-config file is
# architecture-independent, so it goes to share/pkgconfig, which pkg-config searches).
PREFIX  ?= /usr/local
DESTDIR ?=
INC_DIR := $(DESTDIR)$(PREFIX)/include
DATA_DIR := $(DESTDIR)$(PREFIX)/share/neuralode
PC_DIR  := $(DESTDIR)$(PREFIX)/share/pkgconfig
VERSION := $(shell sed -n '1s/.* - v\([0-9.]*\) - .*/\1/p' neuralode.h)

install:
	mkdir -p $(INC_DIR) $(DATA_DIR) $(PC_DIR)
	install -m 644 neuralode.h ndeplot.h $(INC_DIR)/
	install -m 644 ndeplot_png.c $(DATA_DIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' tools/neuralode.pc.in > $(PC_DIR)/neuralode.pc
	chmod 644 $(PC_DIR)/neuralode.pc

uninstall:
	rm -f $(INC_DIR)/neuralode.h $(INC_DIR)/ndeplot.h $(DATA_DIR)/ndeplot_png.c $(PC_DIR)/neuralode.pc
	rmdir $(DATA_DIR) 2>/dev/null || true

clean:
	rm -rf $(BUILD)
