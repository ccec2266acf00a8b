#!/bin/bash
# vm run DISK: a raw disk image booted by the firmware (SeaBIOS) from a virtio disk, instead
# of a kernel. The disk is made here: one boot sector (23 bytes of 16-bit code) that writes
# "hako-disk-ok" to the first serial port and halts, so its console log shows it booted.
. "$HAKO_SRC/tests/lib/lib.sh"
. "$HAKO_SRC/tests/integration/vm/common.inc"

needs_qemu "VM from a disk"
D=$HAKO_TEST_TMP/boot.img
# cld; xor ax,ax; mov ds,ax; mov dx,0x3f8; mov si,msg; l: lodsb; or al,al; jz h; out dx,al;
# jmp l; h: cli; hlt; jmp $; msg: "hako-disk-ok\r\n\0"
{
	printf '\xfc\x31\xc0\x8e\xd8\xba\xf8\x03\xbe\x17\x7c\xac\x08\xc0\x74\x03\xee\xeb\xf8\xfa\xf4\xeb\xfe'
	printf 'hako-disk-ok\r\n\0'
} >"$D"
truncate -s 510 "$D"
printf '\x55\xaa' >>"$D"
truncate -s 1M "$D"
on_exit "$HAKO --root $ROOT vm rm -f dsk"
check "vm run DISK" h vm run --name dsk --network none --accel tcg --memory 64 "$D"
is "the disk is recorded" "$(vm_field dsk disk)" "$D"
is "no NIC" "$(h vm inspect dsk | jq -r '.[0].net.nics | length')" 0
if wait_log dsk "hako-disk-ok" 60; then ok "the firmware booted the disk"; else
	not_ok "the firmware booted the disk"
fi
check "vm rm -f" h vm rm -f dsk
