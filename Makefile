# sbx — build, test, install. See README.md for the two commands that do everything.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
sysconfdir ?= $(PREFIX)/etc
DESTDIR    ?=
VERSION    := 0.1.0

CC      ?= cc
PKG_CONFIG ?= pkg-config
PKGS    := libconfig libseccomp libmnl libnftnl
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
CPPFLAGS_SBX := -std=gnu11 -D_GNU_SOURCE -Isrc -DSBX_VERSION='"$(VERSION)"' \
	-DSBX_SYSCONFDIR='"$(sysconfdir)"' -DSBX_DATADIR='"$(DATADIR)"'

ifeq ($(SANITIZE),1)
BUILD   := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD   := build
SANFLAGS :=
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libconfig, libseccomp and libnftnl are linked statically when their archives exist (Debian's
# -dev packages ship them): each shared object fewer to load saves about 0.1 ms of every start.
# libmnl ships no archive and stays shared.
STATIC_LIBS := $(foreach l,config seccomp nftnl,$(if $(wildcard /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/lib$(l).a),-l$(l)))
DYN_LIBS    := $(filter-out $(STATIC_LIBS),$(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null))
comma := ,
PKG_LIBS    = $(if $(STATIC_LIBS),-Wl$(comma)-Bstatic $(STATIC_LIBS) -Wl$(comma)-Bdynamic) $(DYN_LIBS)
ALL_CFLAGS = $(CPPFLAGS_SBX) $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS)

# A build without the Debian packages it needs says so and names `make deps`, instead of
# failing on a missing compiler or header. deps, check, demo and bench install them first
# (and build in a sub-make, which checks again), so only the plain build goals are checked.
BUILD_GOALS := all sbx unit integration attacks install fuzz vm-check
ifneq ($(if $(MAKECMDGOALS),$(filter $(BUILD_GOALS) build/% build-san/%,$(MAKECMDGOALS)),all),)
MISSING_DEPS := $(if $(shell command -v $(CC)),,$(CC)) \
	$(if $(shell $(PKG_CONFIG) --exists $(PKGS) 2>/dev/null && echo y),,$(PKGS))
ifneq ($(strip $(MISSING_DEPS)),)
$(error missing build dependencies ($(strip $(MISSING_DEPS))): run 'make deps' as root, or see README.md)
endif
endif

# Rebuild everything when the flags change (e.g. `make install PREFIX=/usr` after a plain
# `make`): the paths are compiled in.
FLAGS_STAMP := $(BUILD)/.flags
$(shell mkdir -p $(BUILD))
ifneq ($(file < $(FLAGS_STAMP)),$(ALL_CFLAGS))
$(file > $(FLAGS_STAMP),$(ALL_CFLAGS))
endif

# Sources live in folders by layer (README, STYLE.md §1): src/{profile,plan,run,sys,util}.
SRC_ALL  := $(shell find src -name '*.c' | sort)
HDR_ALL  := $(shell find src -name '*.h' | sort)
LIB_SRCS := $(filter-out src/main.c,$(SRC_ALL))
LIB_OBJS := $(patsubst src/%.c,$(BUILD)/%.o,$(LIB_SRCS)) $(BUILD)/default_profile.o
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

# Debian packages the build and the tests need. nginx-light is for 035-net-web.sh only: a
# freshly installed nginx service is stopped and disabled again where systemd runs.
# nftables (the nft CLI) is for the tests only: they read back with it the rules sbx sends.
DEB_PKGS := build-essential pkg-config libconfig-dev libseccomp-dev libmnl-dev libnftnl-dev \
	libcmocka-dev uidmap iproute2 nftables python3 procps util-linux passwd clang-format clang \
	libclang-rt-14-dev qemu-system-x86 busybox-static cpio passt slirp4netns nginx-light strace

.PHONY: all deps demo check unit integration attacks install clean format format-check bench fuzz \
	vm-check
all: sbx

sbx: $(BUILD)/sbx
	@cp $< $@

$(BUILD)/sbx: $(BUILD)/main.o $(BUILD)/libsbx.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/libsbx.a: $(LIB_OBJS)
	@rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: src/%.c $(HDR_ALL) $(FLAGS_STAMP) | $(BUILD)/util
	@echo "  CC      $<"
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The built-in default profile: one source of truth, embedded as a C string.
$(BUILD)/default_profile.c: profiles/default.cfg | $(BUILD)/util
	@{ echo '/* generated from profiles/default.cfg */'; \
	  echo 'const char profile_builtin_default[] = {'; \
	  od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00 };'; } > $@

$(BUILD)/default_profile.o: $(BUILD)/default_profile.c $(FLAGS_STAMP)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Wno-missing-variable-declarations -c -o $@ $<

$(BUILD)/util:
	mkdir -p $@ $(BUILD)/tests

# A unit test is rebuilt when a header it may include changes (tests/unit/*.h or src/). One that
# includes fake_sys.h (the runner tests) is linked with the fake system calls of
# tests/unit/fake_sys*.c and the --wrap flags their LDWRAP lines name, besides its own.
UNIT_HDRS := $(wildcard tests/unit/*.h)
FAKE_SRCS := $(wildcard tests/unit/fake_sys*.c)
FAKE_OBJS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%.o,$(FAKE_SRCS))
ldwrap = $(shell sed -n 's,^/\* LDWRAP: \(.*\) \*/,\1,p' $(1))
uses_fake = $(shell grep -l '^\#include "fake_sys.h"' $(1))
.SECONDARY: $(FAKE_OBJS)

$(BUILD)/tests/%.o: tests/unit/%.c $(UNIT_HDRS) $(HDR_ALL) $(FLAGS_STAMP) | $(BUILD)/util
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Itests/unit -c -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(UNIT_HDRS) $(HDR_ALL) $(FAKE_OBJS) $(BUILD)/libsbx.a
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Itests/unit -o $@ $< \
		$(if $(call uses_fake,$<),$(FAKE_OBJS) $(call ldwrap,$(FAKE_SRCS))) $(BUILD)/libsbx.a \
		$(PKG_LIBS) $$(pkg-config --libs cmocka) $(call ldwrap,$<)

# Static helper run inside sandboxes by the integration tests.
$(BUILD)/probe: tests/integration/probe.c | $(BUILD)/util
	@echo "  CC      $@"
	@$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -static -o $@ $<

# Preloaded into sbx by the integration tests to list the netns helper's fds (fdspy.c).
$(BUILD)/fdspy.so: tests/integration/fdspy.c | $(BUILD)/util
	@echo "  CC      $@"
	@$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -shared -fPIC -o $@ $< -ldl

# Runs src/sys/net/usernet.c against a namespace of its own, for 036-usernet.sh.
$(BUILD)/usernet-drive: tests/integration/usernet-drive.c $(HDR_ALL) $(BUILD)/libsbx.a | $(BUILD)/util
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libsbx.a $(PKG_LIBS)

# Attack programs: each tests/integration/attacks/NAME.c is a small static program a hostile
# command would run inside a sandbox (tests/integration/attacks/README).
ATTACK_SRCS := $(wildcard tests/integration/attacks/*.c)
ATTACK_BINS := $(patsubst tests/integration/attacks/%.c,$(BUILD)/attacks/%,$(ATTACK_SRCS))
attacks: $(ATTACK_BINS)
$(BUILD)/attacks/%: tests/integration/attacks/%.c | $(BUILD)/util
	@mkdir -p $(BUILD)/attacks
	@echo "  CC      $@"
	@$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -static -o $@ $<

# The timing driver of `make bench`; the integration tests smoke-test it.
$(BUILD)/bench: bench/bench.c | $(BUILD)/util
	@echo "  CC      $@"
	@$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -g $(WARN) -o $@ $<

# The syscall-heavy loop of `make bench` (seccomp_ns_per_syscall); static, so it runs in a
# sandbox holding only /usr.
$(BUILD)/syscall-loop: bench/syscall-loop.c | $(BUILD)/util
	@echo "  CC      $@"
	@$(CC) -std=gnu11 -D_GNU_SOURCE -O2 $(WARN) -static -o $@ $<

deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "make deps: installing$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing || exit 1; \
		case " $$missing " in *" nginx-light "*) \
			if [ -d /run/systemd/system ]; then \
				echo "make deps: nginx is only for the tests: its service stays off"; \
				systemctl disable --now nginx >/dev/null 2>&1 || true; \
			fi;; \
		esac; \
	else \
		echo "make deps: missing Debian packages; run as root:"; \
		echo "  apt-get install -y$$missing"; exit 1; \
	fi

demo: deps
	$(MAKE) sbx
	./sbx --plan -- /bin/sh
	./sbx -- /bin/sh -c 'echo "inside: $$(id -u):$$(id -g) on $$(hostname), pid $$$$"; ls /; exec /bin/sh -i'

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "# $$t"; $$t || fail=1; done; exit $$fail

integration: sbx $(BUILD)/probe $(BUILD)/bench $(BUILD)/syscall-loop $(BUILD)/fdspy.so \
		$(BUILD)/usernet-drive $(ATTACK_BINS)
	SBX=$(CURDIR)/sbx PROBE=$(CURDIR)/$(BUILD)/probe BENCH=$(CURDIR)/$(BUILD)/bench \
		LOOP=$(CURDIR)/$(BUILD)/syscall-loop \
		FDSPY=$(CURDIR)/$(BUILD)/fdspy.so ATTACKS=$(CURDIR)/$(BUILD)/attacks \
		USERNET_DRIVE=$(CURDIR)/$(BUILD)/usernet-drive tests/integration/run.sh

# The cgroup tests on a cgroup2-only kernel under QEMU (tests/vm/README): this host's cgroups
# are a v1/v2 hybrid. VM_TESTS picks the scripts; the kernel package is cached in build/vm.
VM_TESTS ?= tests/vm/smoke.sh $(wildcard tests/integration/*cgroup*.sh)
VM_DIR ?= $(CURDIR)/build/vm
vm-check: sbx $(BUILD)/probe
	SBX=$(CURDIR)/sbx PROBE=$(CURDIR)/$(BUILD)/probe VM_DIR=$(VM_DIR) tests/vm/run.sh $(VM_TESTS)

ifeq ($(SANITIZE),1)
check: deps
	$(MAKE) SANITIZE=1 unit $(BUILD)/sbx
	SBX=$(CURDIR)/$(BUILD)/sbx tests/integration/bad-profiles.sh
	$(MAKE) --no-print-directory SANITIZE= fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)
else
check: deps
	tests/tree-checks.sh
	$(MAKE) sbx unit
	$(MAKE) integration
	$(MAKE) vm-check
	@if command -v clang-format >/dev/null; then $(MAKE) --no-print-directory format-check; \
	else echo "format-check: SKIP (clang-format not installed)"; fi
endif

# Start-up, memory and concurrency against the peers (bench/run.sh); sbx built with the
# release flags, whatever CFLAGS or SANITIZE the caller set. Never part of `make check`.
bench: deps
	$(MAKE) --no-print-directory SANITIZE= CFLAGS="-O2 -g" sbx build/bench build/syscall-loop
	SBX=$(CURDIR)/sbx BENCH=$(CURDIR)/build/bench LOOP=$(CURDIR)/build/syscall-loop bench/run.sh

install: sbx
	install -Dm755 sbx $(DESTDIR)$(BINDIR)/sbx
	install -d $(DESTDIR)$(DATADIR)/sbx/profiles $(DESTDIR)$(sysconfdir)/sbx/profiles
	install -m644 profiles/*.cfg $(DESTDIR)$(DATADIR)/sbx/profiles/
	sed -e 's,@sysconfdir@,$(sysconfdir),g' -e 's,@datadir@,$(DATADIR),g' etc/sbx.conf \
		> $(DESTDIR)$(sysconfdir)/sbx/sbx.conf
	chmod 644 $(DESTDIR)$(sysconfdir)/sbx/sbx.conf
	install -Dm644 man/sbx.1 $(DESTDIR)$(MANDIR)/man1/sbx.1
	install -Dm644 man/sbx.cfg.5 $(DESTDIR)$(MANDIR)/man5/sbx.cfg.5

# Fuzz the profile parser and the compiler with libFuzzer (clang, libclang-rt-14-dev), seeded
# with every profile in the tree and the inputs it found before (tests/fuzz/seeds/), and
# mutating with the tokens of tests/fuzz/profile.dict. libconfig 1.5 leaks on some syntax
# errors (its own bug, in a process that exits at once), so leak detection is off.
# `make check SANITIZE=1` (CI's second run) fuzzes for CHECK_FUZZ_SECONDS: a find fails it.
FUZZ_SECONDS ?= 120
CHECK_FUZZ_SECONDS ?= 180
fuzz: $(BUILD)/default_profile.c
	clang -std=gnu11 -D_GNU_SOURCE -Isrc -DSBX_VERSION='"fuzz"' -DSBX_SYSCONFDIR='"/nonexistent"' \
		-DSBX_DATADIR='"/nonexistent"' -g -O1 -fsanitize=fuzzer,address,undefined \
		-o $(BUILD)/fuzz_profile tests/fuzz/fuzz_profile.c $(LIB_SRCS) $< -lconfig -lnftnl -lmnl -lseccomp
	mkdir -p $(BUILD)/fuzz-corpus
	cp profiles/*.cfg tests/unit/data/*.cfg tests/unit/data/bad/*.cfg \
		tests/integration/profiles/*.cfg bench/profiles/*.cfg tests/fuzz/seeds/* \
		$(BUILD)/fuzz-corpus/ 2>/dev/null || true
	cd $(BUILD) && ASAN_OPTIONS=detect_leaks=0 ./fuzz_profile -detect_leaks=0 -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-timeout=10 -dict=$(CURDIR)/tests/fuzz/profile.dict fuzz-corpus

format:
	clang-format -i $(SRC_ALL) $(HDR_ALL) tests/unit/*.[ch] tests/integration/*.c tests/integration/attacks/*.c tests/fuzz/*.c bench/*.c

format-check:
	@clang-format --dry-run -Werror $(SRC_ALL) $(HDR_ALL) tests/unit/*.[ch] tests/integration/*.c tests/integration/attacks/*.c \
		tests/fuzz/*.c bench/*.c

clean:
	rm -rf build build-san sbx
