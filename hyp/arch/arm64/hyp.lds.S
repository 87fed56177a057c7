/*
 * Lamina's image: linked and run at its load address (1:1 map at EL2).
 * QEMU (and any Linux loader) puts an Image at RAM base + text_offset; the
 * header in head.S says text_offset = 2 MiB. Text, read-only data and
 * writable data are page aligned so the EL2 tables can map them W^X.
 */
OUTPUT_ARCH(aarch64)
ENTRY(_start)

#define LOAD_ADDR 0x40200000

/* Program headers as the EL2 tables map them: RX, R, RW. */
PHDRS
{
    text PT_LOAD FLAGS(5);
    rodata PT_LOAD FLAGS(4);
    data PT_LOAD FLAGS(6);
}

SECTIONS
{
    . = LOAD_ADDR;
    _start_image = .;
    .text : {
        _stext = .;
        *(.text.head)
        *(.text.vectors)
        *(.text .text.*)
        *(.init.text)
        . = ALIGN(4096);
        _etext = .;
    } :text
    .rodata : {
        _srodata = .;
        *(.rodata .rodata.*)
        . = ALIGN(8);
        . = ALIGN(4096);
        _erodata = .;
    } :rodata
    .data : {
        _sdata = .;
        *(.data .data.*)
        *(.init.data)
        . = ALIGN(16);
    } :data
    .bss (NOLOAD) : {
        . = ALIGN(16);
        _sbss = .;
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(4096);
        _ebss = .;
    }
    _end = .;
    _image_size = _end - _start_image;
    /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
