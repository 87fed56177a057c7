HYP_OBJS += \
	hyp/lib/string.o \
	hyp/lib/vsnprintf.o \
	hyp/lib/stack_protector.o \
	hyp/lib/malloc.o
