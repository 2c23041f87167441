# clv -- PGXS build of the clv extension
#
#   make && make install          build and install into the server of PG_CONFIG
#   make installcheck             pg_regress suites in sql/ against a running server
#   make cdnowcheck               pg_regress suites on test/data/cdnow
#   make unitcheck                C unit tests of src/core, no server needed

EXTENSION = clv
MODULE_big = clv
DATA = $(wildcard sql/clv--*.sql)
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c src/core/*.c)))
REGRESS = $(sort $(filter-out clv--%,$(basename $(notdir $(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --load-extension=clv
PG_CPPFLAGS = -I$(srcdir)/src
# glibc's vector math library, for src/core/vecmath.c on x86-64
LIBMVEC := $(if $(filter x86_64,$(shell uname -m)),-lmvec)
SHLIB_LINK = $(LIBMVEC) -lm
EXTRA_CLEAN = test/unit/*.bin test/unit/*.sanitized test/cdnow/results test/cdnow/regression.* \
	test/fuzz/*.bin test/bench/*.bin

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on every header: the tree is small, rebuilds are cheap
$(OBJS): $(wildcard src/*.h src/core/*.h)

CORE_SRCS = $(sort $(wildcard src/core/*.c))
UNIT_TESTS = $(patsubst %.c,%.bin,$(sort $(wildcard test/unit/test_*.c)))

# what every build of a unit test shares: its sources and the flags
UNIT_DEPS = $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard test/unit/*.h)
UNIT_BUILD = -std=c99 -g -Wall -Wextra -Werror -Isrc/core -o $@ $< $(CORE_SRCS) $(LIBMVEC) -lm
test/unit/%.bin: test/unit/%.c $(UNIT_DEPS)
	$(CC) -O2 $(UNIT_BUILD)

.PHONY: unitcheck unitcheck-sanitized cdnowcheck
unitcheck: $(UNIT_TESTS)
	prove -e '' $(UNIT_TESTS)

# the same tests built with clang's AddressSanitizer and UndefinedBehavior-
# Sanitizer: a read out of bounds, a leak, an overflowing conversion or a
# signed overflow stops the test (Debian 12: apt-get install clang)
SANITIZED_UNIT_TESTS = $(patsubst %.c,%.sanitized,$(sort $(wildcard test/unit/test_*.c)))
test/unit/%.sanitized: test/unit/%.c $(UNIT_DEPS)
	clang -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
		$(UNIT_BUILD)
unitcheck-sanitized: $(SANITIZED_UNIT_TESTS)
	prove -e '' $(SANITIZED_UNIT_TESTS)

CDNOW_TESTS = $(sort $(basename $(notdir $(wildcard test/cdnow/sql/*.sql))))
cdnowcheck:
	$(pg_regress_installcheck) --inputdir=test/cdnow --outputdir=test/cdnow \
		--dbname=clv_cdnow --load-extension=clv $(CDNOW_TESTS)


# unit-level benchmark of the core fits (test/bench/core_fits.c), no server
.PHONY: corebench
corebench:
	$(CC) -std=c99 -O2 -Wall -Wextra -Isrc/core -o test/bench/core_fits.bin \
		test/bench/core_fits.c $(CORE_SRCS) $(LIBMVEC) -lm
	test/bench/core_fits.bin

# Pareto/NBD on random hard 2,000-row inputs (test/bench/pareto_hard.c)
.PHONY: paretobench
paretobench:
	$(CC) -std=c99 -O2 -Wall -Wextra -Isrc/core -o test/bench/pareto_hard.bin \
		test/bench/pareto_hard.c $(CORE_SRCS) $(LIBMVEC) -lm
	test/bench/pareto_hard.bin
