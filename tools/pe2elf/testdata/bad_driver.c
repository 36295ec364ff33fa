// SPDX-License-Identifier: GPL-2.0
/*
 * bad_driver.c - drivers pe2elf.py must refuse, one per -D option; the test
 * builds each with MinGW-w64 and checks the converter names the problem.
 *   BAD_SWITCH  a switch table (built without -fno-jump-tables)
 *   BAD_CR8     an inline KeGetCurrentIrql, as the WDK's x64 wdm.h has it
 *   BAD_GS      an inline KeGetCurrentThread (a gs: read of the KPCR)
 *   BAD_ORDINAL an import by ordinal (see bad_driver.def)
 */
typedef long NTSTATUS;

#ifdef BAD_ORDINAL
__declspec(dllimport) unsigned char KeGetCurrentIrql(void);
#endif

volatile int Sink;

__attribute__((noinline)) static int Dispatch(int Code)
{
	switch (Code) {	/* dense enough for a table */
	case 0: return 11;
	case 1: return Sink + 3;
	case 2: return 17;
	case 3: return Sink * 5;
	case 4: return 29;
	case 5: return Sink - 7;
	case 6: return 41;
	default: return 0;
	}
}

NTSTATUS DriverEntry(void *DriverObject, void *RegistryPath)
{
	unsigned long long Value = 0;

	(void)DriverObject;
	(void)RegistryPath;
#ifdef BAD_CR8
	__asm__ volatile("mov %%cr8, %0" : "=r"(Value));
#endif
#ifdef BAD_GS
	__asm__ volatile("mov %%gs:0x188, %0" : "=r"(Value));
#endif
#ifdef BAD_ORDINAL
	Value = KeGetCurrentIrql();
#endif
	return Dispatch(Sink) + (int)Value;
}
