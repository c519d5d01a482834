/*
 * bcryptprimitives.dll for Wine before 8.13, which lacks it: Go 1.22 and
 * later read random bytes through ProcessPrng at start and die without it.
 * This one export forwards to BCryptGenRandom, which Wine 8.0 has.
 * Built by scripts/wine-test.sh with mingw-w64; never shipped.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
