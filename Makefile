# copyout-bench build. Everything lands in $(BUILD) (out of tree).
# Conventions that let new files plug in without editing this file:
#   bpf/NAME.bpf.c       -> $(BUILD)/bpf/NAME.bpf.o + $(BUILD)/skel/NAME.skel.h
#   workloads|bench|loaders/cob_NAME.c  -> a static binary $(BUILD)/bin/cob-NAME
#   every other .c there                -> $(BUILD)/libcob.a, linked into every binary
#   tests/unit/test_NAME.c              -> $(BUILD)/tests/test_NAME (Criterion, dynamic)
BUILD      ?= build
CC         ?= cc
CLANG      ?= clang
BPFTOOL    ?= bpftool
LLVM_STRIP ?= llvm-strip
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
# The kernel's name for this machine's architecture (bpf_tracing.h's
# __TARGET_ARCH_*): x86_64 -> x86, aarch64 -> arm64, ...
ARCH       ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/i.86/x86/' -e 's/aarch64/arm64/' \
		-e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/' -e 's/loongarch64/loongarch/')

# A recipe that fails leaves no half-written target behind.
.DELETE_ON_ERROR:

CFLAGS     ?= -O2 -g
CFLAGS     += -MMD -MP -Wall -Wextra -std=gnu11 -D_GNU_SOURCE -I$(BUILD)/skel -Ibpf -Iworkloads -Ibench -Iloaders
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -Ibpf -Wall -Wno-unused-function -MMD -MP
# Static so the same binaries run inside a busybox guest.
STATIC_LIBS := -static -lbpf -lelf -lz -linih -ljansson -lm
TEST_LIBS  := -lcriterion -lbpf -lelf -lz -linih -ljansson -lm

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS      := $(patsubst bpf/%.bpf.c,$(BUILD)/skel/%.skel.h,$(BPF_SRCS))

USER_DIRS  := workloads bench loaders
ALL_C      := $(foreach d,$(USER_DIRS),$(wildcard $(d)/*.c))
MAIN_C     := $(foreach f,$(ALL_C),$(if $(filter cob_%,$(notdir $(f))),$(f)))
LIB_C      := $(filter-out $(MAIN_C),$(ALL_C))
LIB_OBJS   := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_C))
BINS       := $(foreach m,$(MAIN_C),$(BUILD)/bin/$(subst _,-,$(basename $(notdir $(m)))))
TEST_SRCS  := $(wildcard tests/unit/test_*.c)
TESTS      := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all bins bpf tests clean
# The skeletons are made by a pattern rule and named only as order-only
# prerequisites: make would delete them after each build as intermediate files,
# and the next make would regenerate them and recompile and relink everything
# (under a running test suite: binaries rewritten while a guest initramfs is
# built from them). Keep them.
.SECONDARY: $(SKELS)
all: bins bpf
bins: $(BINS)
bpf: $(BPF_OBJS)
tests: $(TESTS)

$(BUILD)/vmlinux.h: | $(BUILD)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

# Header dependencies come from the compilers (-MMD: build/**/*.d).
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -MF $(@:.o=.d) -MT $@ -c $< -o $@.tmp.o
	$(LLVM_STRIP) -g $@.tmp.o -o $@; rm -f $@.tmp.o; test -s $@

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o
	@mkdir -p $(@D)
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

# The skeletons are generated headers: a first build cannot know from .d files
# which object includes which, so every object waits for all of them (order
# only; afterwards the .d files carry the real dependencies).
$(BUILD)/obj/%.o: %.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libcob.a: $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# cob_foo_bar.c -> cob-foo-bar
define bin_rule
$(BUILD)/bin/$(subst _,-,$(basename $(notdir $(1)))): $(BUILD)/obj/$(basename $(1)).o $(BUILD)/libcob.a
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -o $$@ $$^ $$(STATIC_LIBS)
endef
$(foreach m,$(MAIN_C),$(eval $(call bin_rule,$(m))))

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcob.a | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libcob.a $(TEST_LIBS)

$(BUILD):
	mkdir -p $@

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
