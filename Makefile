# Makefile - builds src/valkey-server (and, as they arrive, the tools),
# runs it, tests it, cross-compiles it for ARM.
#
#   make                      build with jemalloc (libc malloc on ARM targets)
#   make MALLOC=libc          choose the allocator yourself (libc | jemalloc)
#   make SANITIZER=address    or undefined (includes -fsanitize=alignment)
#   make CC=aarch64-linux-gnu-gcc   cross build (also arm-linux-gnueabihf-gcc)
#   make STATIC=1             link statically (with MALLOC=libc, as on ARM)
#   make run | test | test-arm | bench | install PREFIX=/usr/local | clean

CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
PREFIX ?= /usr/local
TARGET := $(shell $(CC) -dumpmachine 2>/dev/null)

# The allocator follows the target, not the build host.
ifneq ($(filter arm% aarch64%,$(TARGET)),)
MALLOC ?= libc
else
MALLOC ?= jemalloc
endif

OPT ?= -O2
WARN := -Wall -Wextra -Wmissing-prototypes -Wno-missing-field-initializers
# 64-bit file offsets on 32-bit targets too: AOF and RDB files pass 2 GB.
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(OPT) -g $(WARN) -MMD -MP $(CFLAGS)
LDFLAGS_ALL := -Wl,--as-needed $(LDFLAGS)
LIBS :=

# Sanitizers bring their own malloc: they always use libc's.
ifneq ($(SANITIZER),)
override MALLOC := libc
endif

ifeq ($(MALLOC),jemalloc)
CFLAGS_ALL += -DUSE_JEMALLOC
# Static jemalloc keeps libstdc++ (which Debian's shared jemalloc pulls in)
# out of the process: about 1 MB less resident memory when idle.
LIBS += -Wl,-Bstatic -ljemalloc_pic -Wl,-Bdynamic -ldl
else ifneq ($(MALLOC),libc)
$(error MALLOC must be libc or jemalloc)
endif

ifeq ($(SANITIZER),address)
SAN_FLAGS := -fsanitize=address -fno-omit-frame-pointer
else ifeq ($(SANITIZER),undefined)
SAN_FLAGS := -fsanitize=undefined -fsanitize=alignment -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifneq ($(SANITIZER),)
$(error SANITIZER must be address or undefined)
endif
# After the allocator: a static jemalloc needs libm's exp/log.
LIBS += -lm -lpthread
CFLAGS_ALL += $(SAN_FLAGS)
# Sanitizer builds free the keyspace at exit (so leak reports show only
# real leaks) and run the keyspace invariant checkers in cron.
ifneq ($(SANITIZER),)
CFLAGS_ALL += -DSANITIZER_BUILD
endif
LDFLAGS_ALL += $(SAN_FLAGS)
# libgcc linked in (not libgcc_s.so): the crash report's unwinder then needs
# nothing loaded at run time.  No -rdynamic: its symbol table would cost
# ~140 kB resident on every server; crash backtraces print binary offsets
# instead, which `addr2line -e src/valkey-server` resolves (built with -g).
ifeq ($(SANITIZER),)
LDFLAGS_ALL += -static-libgcc
endif
# Packed relative relocations (DT_RELR) where the toolchain has them: the
# position-independent binary's tables of pointers (commands, docs,
# config) otherwise need ~100 kB of relocation records, all read at start.
RELR_OK := $(shell echo 'int main(void){return 0;}' | $(CC) -x c - -o /dev/null -Wl,-z,pack-relative-relocs 2>&1 | grep -q . || echo yes)
ifeq ($(RELR_OK),yes)
LDFLAGS_ALL += -Wl,-z,pack-relative-relocs
endif

# STATIC=1 links every binary statically (libc included).  make test-arm
# uses it: qemu-user 7.2 on newer kernels hangs in pthread_create and fork
# of dynamically linked glibc guests, while static guests run normally.
ifeq ($(STATIC),1)
ifneq ($(MALLOC),libc)
$(error STATIC=1 needs MALLOC=libc)
endif
LDFLAGS_ALL += -static
endif

# Objects of each target/allocator/sanitizer/linking combination live
# apart, so switching between them never links stale objects.
BUILD := build/$(or $(TARGET),native)-$(MALLOC)$(if $(SANITIZER),-$(SANITIZER))$(if $(filter 1,$(STATIC)),-static)

DEPS_SRC := $(wildcard deps/*/*.c)
DS_SRC := $(wildcard src/ds/*.c)
NET_SRC := src/net/event.c src/net/socket.c src/net/resp_parser.c src/net/resp_reader.c
SERVER_SRC := $(wildcard src/server/*.c) $(wildcard src/types/*.c) $(wildcard src/persist/*.c) $(wildcard src/script/*.c) src/commands.c src/command_docs.c src/main.c

# Lua 5.1 for scripting (src/script/), with the cjson and bit modules, all
# from Debian (liblua5.1-0-dev, lua-cjson-dev, lua-bitop-dev; for a cross
# build their :arm64/:armhf multiarch packages), linked statically: no
# shared library to load, nothing else of Lua (io, os, package) is pulled
# in because nothing references it.
LUA_CFLAGS := -I/usr/include/lua5.1
ifeq ($(STATIC),1)
LUA_LIBS := -llua5.1-cjson -llua5.1-bitop -llua5.1
else
LUA_LIBS := -Wl,-Bstatic -llua5.1-cjson -llua5.1-bitop -llua5.1 -Wl,-Bdynamic
endif

LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(DEPS_SRC) $(DS_SRC) $(NET_SRC))
# The RDB format code (src/persist/format/) is shared by the server, the
# check tool and the format unit tests.
PERSIST_FORMAT_SRC := $(wildcard src/persist/format/*.c)
PERSIST_FORMAT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(PERSIST_FORMAT_SRC))
SERVER_SRC += $(PERSIST_FORMAT_SRC)
SERVER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(SERVER_SRC))

.PHONY: all run test test-unit test-tcl test-arm bench fuzz install clean deps-build deps-test FORCE

TOOLS_COMMON_SRC := $(wildcard src/tools/common/*.c)
CLI_SRC := $(wildcard src/tools/cli/*.c)
BENCH_SRC := $(wildcard src/tools/benchmark/*.c)
TOOLS_COMMON_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(TOOLS_COMMON_SRC))
CLI_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
BENCH_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(BENCH_SRC))
CHECK_RDB_SRC := $(wildcard src/tools/check-rdb/*.c)
CHECK_RDB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CHECK_RDB_SRC))
CHECK_AOF_SRC := $(wildcard src/tools/check-aof/*.c)
CHECK_AOF_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CHECK_AOF_SRC))
# A tool is built only once its sources exist.
TOOLS := $(if $(CLI_SRC),src/valkey-cli) $(if $(BENCH_SRC),src/valkey-benchmark) $(if $(CHECK_RDB_SRC),src/valkey-check-rdb) $(if $(CHECK_AOF_SRC),src/valkey-check-aof)

all: src/valkey-server $(TOOLS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/src/script/%.o: CFLAGS_ALL += $(LUA_CFLAGS)

$(BUILD)/valkey-server: $(LIB_OBJ) $(SERVER_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LUA_LIBS) $(LIBS)

# Always refresh the copy in src/ from the current configuration's build.
src/valkey-server: $(BUILD)/valkey-server FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

$(BUILD)/valkey-cli: $(LIB_OBJ) $(TOOLS_COMMON_OBJ) $(CLI_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

$(BUILD)/valkey-benchmark: $(LIB_OBJ) $(TOOLS_COMMON_OBJ) $(BENCH_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

src/valkey-cli: $(BUILD)/valkey-cli FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

src/valkey-benchmark: $(BUILD)/valkey-benchmark FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

$(BUILD)/valkey-check-rdb: $(LIB_OBJ) $(PERSIST_FORMAT_OBJ) $(CHECK_RDB_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

src/valkey-check-rdb: $(BUILD)/valkey-check-rdb FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

# valkey-check-aof reads AOF files and manifests; an RDB-preamble base is
# checked with the RDB format code.
$(BUILD)/valkey-check-aof: $(LIB_OBJ) $(PERSIST_FORMAT_OBJ) $(CHECK_AOF_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

src/valkey-check-aof: $(BUILD)/valkey-check-aof FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

-include $(LIB_OBJ:.o=.d) $(SERVER_OBJ:.o=.d) $(TOOLS_COMMON_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BENCH_OBJ:.o=.d)
-include $(CHECK_RDB_OBJ:.o=.d) $(CHECK_AOF_OBJ:.o=.d)

# ------------------------------------------------------------------ tests
UNIT_SRC := $(wildcard tests/c/test_*.c)
UNIT_BIN := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

$(BUILD)/tests/test_%: tests/c/test_%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Isrc -o $@ $< $(LIB_OBJ) $(LDFLAGS_ALL) $(LIBS)

# tests/c/test_server_*.c exercise server/ code (kv layout, db invariants,
# the reply encoder, propagation): linked with every server object but
# main.o.  The shorter stem makes make prefer this rule for them.
SERVER_LIB_OBJ := $(filter-out $(BUILD)/src/main.o,$(SERVER_OBJ))
$(BUILD)/tests/test_server_%: tests/c/test_server_%.c $(LIB_OBJ) $(SERVER_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LUA_CFLAGS) -Isrc -o $@ $< $(SERVER_LIB_OBJ) $(LIB_OBJ) $(LDFLAGS_ALL) $(LUA_LIBS) $(LIBS)

# tests/c/test_rdb_*.c: the RDB format code alone (src/persist/format/);
# test_rdb_fuzz also loads values through the server (corrupt payloads
# and files, seeded).
$(BUILD)/tests/test_rdb_%: tests/c/test_rdb_%.c $(LIB_OBJ) $(PERSIST_FORMAT_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Isrc -o $@ $< $(PERSIST_FORMAT_OBJ) $(LIB_OBJ) $(LDFLAGS_ALL) $(LIBS)

$(BUILD)/tests/test_rdb_fuzz: tests/c/test_rdb_fuzz.c $(LIB_OBJ) $(SERVER_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Isrc -o $@ $< $(SERVER_LIB_OBJ) $(LIB_OBJ) $(LDFLAGS_ALL) $(LUA_LIBS) $(LIBS)

HIREDIS_SRC := $(wildcard tests/hiredis/*.c)
HIREDIS_BIN := $(patsubst tests/hiredis/%.c,$(BUILD)/hiredis/%,$(HIREDIS_SRC))
# After both lists exist: a test rebuilds when a header it includes changes.
-include $(HIREDIS_BIN:=.d) $(UNIT_BIN:=.d)

$(BUILD)/hiredis/%: tests/hiredis/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LDFLAGS_ALL) -lhiredis

deps-build:
	@utils/install-deps.sh build MALLOC=$(MALLOC)

deps-test:
	@utils/install-deps.sh test MALLOC=$(MALLOC)

run: deps-build
	@$(MAKE) --no-print-directory all
	./src/valkey-server ./valkey.conf

test: deps-test
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(HIREDIS_BIN)
	@BUILD=$(BUILD) tests/run-all.sh

test-unit: $(UNIT_BIN)
	@BUILD=$(BUILD) ONLY=unit tests/run-all.sh

# Cross-build for both ARM ABIs and run the Tcl suite against each binary
# under qemu-user, over loopback.
test-arm:
	@utils/install-deps.sh arm
	@utils/test-arm.sh

bench: all
	@utils/bench.sh

# Coverage-guided fuzzing of the parsers of untrusted input (tests/fuzz/):
# each target is built with clang's libFuzzer, ASan and UBSan from the
# sources (not the objects: they need the instrumentation) and run for
# FUZZ_TIME seconds with its corpus kept in build/fuzz/corpus_<name>.
#   make fuzz                   every target, 30 s each
#   make fuzz FUZZ_TIME=600 FUZZ=listpack
FUZZ_TIME ?= 30
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))
FUZZ ?= $(FUZZ_NAMES)
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc

# fuzz_rdb feeds RESTORE payloads and whole files to the server's loader:
# it is built with every server source (but main.c).
FUZZ_SERVER_SRC := $(filter-out src/main.c,$(SERVER_SRC))
build/fuzz/fuzz_rdb: tests/fuzz/fuzz_rdb.c $(DEPS_SRC) $(DS_SRC) $(NET_SRC) $(FUZZ_SERVER_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(LUA_CFLAGS) -o $@ $< $(DEPS_SRC) $(DS_SRC) $(NET_SRC) $(FUZZ_SERVER_SRC) $(LUA_LIBS) -lm -lpthread

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(DEPS_SRC) $(DS_SRC) $(NET_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(DEPS_SRC) $(DS_SRC) $(NET_SRC) -lm -lpthread

fuzz:
	@utils/install-deps.sh fuzz
	@for f in $(FUZZ); do \
		$(MAKE) --no-print-directory build/fuzz/fuzz_$$f || exit 1; \
		mkdir -p build/fuzz/corpus_$$f; \
		echo "== fuzz_$$f for $(FUZZ_TIME)s"; \
		if build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 build/fuzz/corpus_$$f \
			>build/fuzz/fuzz_$$f.log 2>&1; then \
			grep -E "stat::number_of_executed_units" build/fuzz/fuzz_$$f.log; \
		else \
			tail -40 build/fuzz/fuzz_$$f.log; exit 1; \
		fi; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 src/valkey-server $(TOOLS) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build src/valkey-server src/valkey-cli src/valkey-benchmark src/valkey-check-aof src/valkey-check-rdb tests/tmp
