/*
 * The anonymous meter's hot path in C: ``meter._decide`` for the common
 * meters, in one call.
 *
 * Why it exists: a cached story hit for a reader who carries a meter cookie
 * verifies the cookie's MAC, reads its reads and signs a new cookie; in
 * Python that is some twenty calls into C (hashlib, binascii, str methods),
 * about two microseconds a hit, and under load each of them costs the
 * machine two to three times that (decision 0016). Here it is one call.
 *
 * What it decides, and what it leaves to Python: ``Signer.decide`` returns
 * exactly what ``meter._decide`` returns, or None when the meter is not one
 * it takes on, and then the caller runs ``_decide``. It takes on a missing
 * or unverifiable cookie (the first read), and a verified cookie whose reads
 * are all inside the period, oldest first, of distinct stories, in lowercase
 * hex of at most 13 digits (every cookie ``meter_dump`` and ``_decide``
 * write for story ids and times below 2**52). Anything else, a non-ASCII
 * cookie, a read that has aged out, a payload that does not parse, an
 * argument of another type than the meter passes, goes back to Python,
 * which stays the definition (tests compare the two over many thousands of
 * meters).
 *
 * The MAC is keyed BLAKE2b with a 12-byte digest (RFC 7693), written here
 * from the RFC's description; the tests compare it with ``hashlib.blake2b``
 * for every payload length from 1 to 400 bytes and for random keys. The key
 * block is compressed once per ``Signer``: every payload is non-empty (it
 * starts with the version), so the key block is never the final one.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#ifndef MASTHEAD_SOURCE_SHA256 /* setup.py passes this file's SHA-256 */
#define MASTHEAD_SOURCE_SHA256 "unknown"
#endif

#define DIGEST_SIZE 12
#define MAC_CHARS 16 /* 12 bytes in base64, no padding */
#define BLOCK 128
#define COOKIE_MAX 4000   /* longer cookies are no meter (meter._verified) */
#define ENTRIES_MAX 100   /* meter.MAX_ENTRIES */
#define HEX_DIGITS_MAX 13 /* below 2**52: exact as a double, as Python compares */
#define FUTURE_SLACK 300  /* meter._FUTURE_SLACK */

static const uint64_t IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
    0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
    0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

/* The message schedule of rounds 0-9; rounds 10 and 11 repeat rounds 0 and 1. */
static const uint8_t SIGMA[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static inline uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

static inline uint64_t load64(const uint8_t *p) {
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

#define G(a, b, c, d, x, y)              \
    do {                                 \
        v[a] = v[a] + v[b] + (x);        \
        v[d] = rotr64(v[d] ^ v[a], 32);  \
        v[c] = v[c] + v[d];              \
        v[b] = rotr64(v[b] ^ v[c], 24);  \
        v[a] = v[a] + v[b] + (y);        \
        v[d] = rotr64(v[d] ^ v[a], 16);  \
        v[c] = v[c] + v[d];              \
        v[b] = rotr64(v[b] ^ v[c], 63);  \
    } while (0)

/* One block into the state; ``bytes`` is the count of message bytes so far
 * (the key block included), ``last`` marks the final block. */
static void compress(uint64_t h[8], const uint8_t block[BLOCK], uint64_t bytes, int last) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) m[i] = load64(block + 8 * i);
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = IV[i];
    }
    v[12] ^= bytes; /* the counter's high word stays 0: a meter is far shorter */
    if (last) v[14] = ~v[14];
    /* Twelve rounds, unrolled: with the round a constant, the schedule's
     * indices are too, and the compiler needs no table lookups (a MAC took
     * about a sixth less time than with a loop over the table). */
#define ROUND(r)                                            \
    do {                                                    \
        G(0, 4, 8, 12, m[SIGMA[r][0]], m[SIGMA[r][1]]);     \
        G(1, 5, 9, 13, m[SIGMA[r][2]], m[SIGMA[r][3]]);     \
        G(2, 6, 10, 14, m[SIGMA[r][4]], m[SIGMA[r][5]]);    \
        G(3, 7, 11, 15, m[SIGMA[r][6]], m[SIGMA[r][7]]);    \
        G(0, 5, 10, 15, m[SIGMA[r][8]], m[SIGMA[r][9]]);    \
        G(1, 6, 11, 12, m[SIGMA[r][10]], m[SIGMA[r][11]]);  \
        G(2, 7, 8, 13, m[SIGMA[r][12]], m[SIGMA[r][13]]);   \
        G(3, 4, 9, 14, m[SIGMA[r][14]], m[SIGMA[r][15]]);   \
    } while (0)
    ROUND(0);
    ROUND(1);
    ROUND(2);
    ROUND(3);
    ROUND(4);
    ROUND(5);
    ROUND(6);
    ROUND(7);
    ROUND(8);
    ROUND(9);
    ROUND(0); /* rounds 10 and 11 repeat the schedule of 0 and 1 */
    ROUND(1);
#undef ROUND
    for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

typedef struct {
    PyObject_HEAD
    uint64_t keyed[8]; /* the state after the key block */
    int ready;         /* keyed by Signer(key): never sign with a zero state */
} Signer;

/* The MAC of ``len`` (>= 1) bytes, as the 16 characters ``meter._mac`` writes. */
static void mac_chars(const Signer *self, const uint8_t *msg, Py_ssize_t len, char out[MAC_CHARS]) {
    uint64_t h[8];
    uint8_t last[BLOCK];
    uint64_t bytes = BLOCK;
    memcpy(h, self->keyed, sizeof h);
    while (len > BLOCK) {
        bytes += BLOCK;
        compress(h, msg, bytes, 0);
        msg += BLOCK;
        len -= BLOCK;
    }
    memset(last, 0, sizeof last);
    memcpy(last, msg, (size_t)len);
    bytes += (uint64_t)len;
    compress(h, last, bytes, 1);
    uint8_t digest[DIGEST_SIZE];
    for (int i = 0; i < DIGEST_SIZE; i++) digest[i] = (uint8_t)(h[i / 8] >> (8 * (i % 8)));
    for (int i = 0, o = 0; i < DIGEST_SIZE; i += 3) {
        uint32_t n = (uint32_t)digest[i] << 16 | (uint32_t)digest[i + 1] << 8 | digest[i + 2];
        out[o++] = B64URL[n >> 18 & 63];
        out[o++] = B64URL[n >> 12 & 63];
        out[o++] = B64URL[n >> 6 & 63];
        out[o++] = B64URL[n & 63];
    }
}

/* Equal without an early exit: the time does not say how much of a MAC matched. */
static int same_mac(const char *a, const char *b) {
    unsigned diff = 0;
    for (int i = 0; i < MAC_CHARS; i++) diff |= (unsigned)(a[i] ^ b[i]);
    return diff == 0;
}

/* Lowercase hex of 1 to HEX_DIGITS_MAX digits, as "%x" writes it; -1 otherwise. */
static int64_t hex_value(const char *p, Py_ssize_t len) {
    if (len < 1 || len > HEX_DIGITS_MAX) return -1;
    int64_t value = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        char c = p[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else
            return -1;
        value = value << 4 | digit;
    }
    return value;
}

static Py_ssize_t hex_write(char *out, uint64_t value) {
    char digits[16];
    Py_ssize_t n = 0;
    do {
        digits[n++] = "0123456789abcdef"[value & 15];
        value >>= 4;
    } while (value);
    for (Py_ssize_t i = 0; i < n; i++) out[i] = digits[n - 1 - i];
    return n;
}

/* ``signed`` (already written at the start of ``buf``, ``len`` bytes) with its
 * MAC appended after a dot, as a str. */
static PyObject *signed_cookie(const Signer *self, char *buf, Py_ssize_t len) {
    buf[len] = '.';
    mac_chars(self, (const uint8_t *)buf, len, buf + len + 1);
    return PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, buf, len + 1 + MAC_CHARS);
}

static PyObject *answer(int allowed, PyObject *value) {
    /* ``value`` is a new reference or NULL (no cookie to set) */
    PyObject *result = PyTuple_New(2);
    if (result == NULL) {
        Py_XDECREF(value);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, Py_NewRef(allowed ? Py_True : Py_False));
    PyTuple_SET_ITEM(result, 1, value ? value : Py_NewRef(Py_None));
    return result;
}

/* The answer that allows a read: ``buf[:n]`` with "<story>:<read_at>" in hex
 * appended, signed. */
static PyObject *allowed_with_read(const Signer *self, char *buf, Py_ssize_t n, uint64_t story,
                                   uint64_t read_at) {
    n += hex_write(buf + n, story);
    buf[n++] = ':';
    n += hex_write(buf + n, read_at);
    PyObject *value = signed_cookie(self, buf, n);
    return value ? answer(1, value) : NULL;
}

#define NOT_DECIDED Py_RETURN_NONE

/* An exact int as a long long: 1, or 0 when it does not fit (no error set). */
static int exact_long(PyObject *number, long long *value) {
    int overflow;
    *value = PyLong_AsLongLongAndOverflow(number, &overflow);
    return !overflow && !(*value == -1 && PyErr_Occurred());
}

/* decide(cookie, story_id, now, period_seconds, limit) */
static PyObject *Signer_decide(Signer *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError,
                        "decide(cookie, story_id, now, period_seconds, limit) takes 5 arguments");
        return NULL;
    }
    if (!self->ready) {
        PyErr_SetString(PyExc_ValueError, "Signer.decide() before Signer(key)");
        return NULL;
    }
    PyObject *cookie = args[0];
    /* Only the exact types the meter passes: a subclass could answer int(),
     * == or rpartition() otherwise than the value C reads, and another number
     * type (a Decimal, a Fraction) rounds otherwise than int(now) truncates.
     * None of them is an error here: Python decides them. */
    if ((cookie != Py_None && !PyUnicode_CheckExact(cookie)) || !PyLong_CheckExact(args[1]) ||
        !(PyFloat_CheckExact(args[2]) || PyLong_CheckExact(args[2])) ||
        !PyLong_CheckExact(args[3]) || !PyLong_CheckExact(args[4]))
        NOT_DECIDED;
    long long story_id, period_seconds, limit;
    double now;
    if (!exact_long(args[1], &story_id) || !exact_long(args[3], &period_seconds) ||
        !exact_long(args[4], &limit))
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    if (PyFloat_CheckExact(args[2])) {
        now = PyFloat_AS_DOUBLE(args[2]);
    } else {
        long long whole;
        if (!exact_long(args[2], &whole)) return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
        if (whole < 0 || whole >= (1LL << 52)) NOT_DECIDED; /* (exact as a double below) */
        now = (double)whole;
    }
    if (story_id < 0 || story_id >= (1LL << 52) || !(now >= 0 && now < 4503599627370496.0) ||
        period_seconds < 0 || period_seconds >= (1LL << 52))
        NOT_DECIDED;
    int64_t read_at = (int64_t)now; /* int(now): now is positive */
    /* Room for the longest cookie this writes: the kept one, a read, a MAC. */
    char buf[COOKIE_MAX + 64];

    const char *signed_part = NULL;
    Py_ssize_t signed_len = 0;
    if (cookie != Py_None) {
        if (!PyUnicode_Check(cookie) || !PyUnicode_IS_ASCII(cookie)) NOT_DECIDED;
        Py_ssize_t len = PyUnicode_GET_LENGTH(cookie);
        const char *data = (const char *)PyUnicode_1BYTE_DATA(cookie);
        if (len > 0 && len <= COOKIE_MAX) {
            Py_ssize_t dot = len - 1;
            while (dot >= 0 && data[dot] != '.') dot--;
            /* the signed part is data[:dot], the MAC data[dot + 1:] */
            if (dot >= 2 && data[0] == '1' && data[1] == '.') {
                char expected[MAC_CHARS];
                mac_chars(self, (const uint8_t *)data, dot, expected);
                if (len - dot - 1 == MAC_CHARS && same_mac(expected, data + dot + 1)) {
                    signed_part = data;
                    signed_len = dot;
                }
            }
        }
    }

    if (signed_part == NULL) { /* no meter (or not ours): this read is the first */
        if (limit < 1) return answer(0, NULL);
        buf[0] = '1';
        buf[1] = '.';
        return allowed_with_read(self, buf, 2, (uint64_t)story_id, (uint64_t)read_at);
    }
    if (signed_len == 2) NOT_DECIDED; /* "1." and nothing read: Python's call */

    /* The reads, all of which must be in the period, in order, of distinct stories. */
    double oldest = now - (double)period_seconds;
    double newest_allowed = now + FUTURE_SLACK;
    int64_t stories[ENTRIES_MAX];
    int count = 0;
    int64_t newest = 0;
    const char *p = signed_part + 2, *end = signed_part + signed_len;
    while (p < end) {
        const char *entry_end = memchr(p, '-', (size_t)(end - p));
        if (entry_end == NULL) entry_end = end;
        const char *colon = memchr(p, ':', (size_t)(entry_end - p));
        if (colon == NULL || count == ENTRIES_MAX) NOT_DECIDED;
        int64_t story = hex_value(p, colon - p);
        int64_t at = hex_value(colon + 1, entry_end - colon - 1);
        if (story < 0 || at < 0) NOT_DECIDED;
        if (!(oldest < (double)at && (double)at <= newest_allowed) || at < newest) NOT_DECIDED;
        for (int i = 0; i < count; i++)
            if (stories[i] == story) NOT_DECIDED;
        stories[count++] = story;
        newest = at;
        if (entry_end == end) break;
        p = entry_end + 1;
        if (p == end) NOT_DECIDED; /* a trailing '-' */
    }

    for (int i = 0; i < count; i++)
        if (stories[i] == story_id) return answer(1, NULL); /* read in the period: free */
    if (count >= limit) return answer(0, NULL);
    if (read_at < newest) NOT_DECIDED; /* a clock behind the last read: Python re-sorts */
    memcpy(buf, signed_part, (size_t)signed_len);
    buf[signed_len] = '-';
    return allowed_with_read(self, buf, signed_len + 1, (uint64_t)story_id, (uint64_t)read_at);
}

/* mac(payload: bytes) -> str, what ``meter._mac`` gives (for the tests) */
static PyObject *Signer_mac(Signer *self, PyObject *payload) {
    char out[MAC_CHARS];
    if (!self->ready) {
        PyErr_SetString(PyExc_ValueError, "Signer.mac() before Signer(key)");
        return NULL;
    }
    if (!PyBytes_Check(payload) || PyBytes_GET_SIZE(payload) < 1) {
        PyErr_SetString(PyExc_ValueError, "mac() takes non-empty bytes");
        return NULL;
    }
    mac_chars(self, (const uint8_t *)PyBytes_AS_STRING(payload), PyBytes_GET_SIZE(payload), out);
    return PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, out, MAC_CHARS);
}

static int Signer_init(Signer *self, PyObject *args, PyObject *kwargs) {
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs) > 0) {
        PyErr_SetString(PyExc_TypeError, "Signer(key) takes its key by position");
        return -1;
    }
    Py_buffer key;
    if (!PyArg_ParseTuple(args, "y*:Signer", &key)) return -1;
    if (key.len < 1 || key.len > 64) {
        PyBuffer_Release(&key);
        PyErr_SetString(PyExc_ValueError, "a BLAKE2b key is 1 to 64 bytes");
        return -1;
    }
    uint8_t block[BLOCK];
    memset(block, 0, sizeof block);
    memcpy(block, key.buf, (size_t)key.len);
    memcpy(self->keyed, IV, sizeof IV);
    /* the parameter block: digest length, key length, fanout 1, depth 1 */
    self->keyed[0] ^= 0x01010000ULL ^ ((uint64_t)key.len << 8) ^ DIGEST_SIZE;
    compress(self->keyed, block, BLOCK, 0);
    self->ready = 1;
    PyBuffer_Release(&key);
    return 0;
}

static PyMethodDef Signer_methods[] = {
    {"decide", (PyCFunction)(void (*)(void))Signer_decide, METH_FASTCALL,
     "decide(cookie, story_id, now, period_seconds, limit): (allowed, new cookie value or "
     "None), as meter._decide answers; None when Python is to decide."},
    {"mac", (PyCFunction)Signer_mac, METH_O, "mac(payload): the meter's MAC of payload."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject SignerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "masthead.metering._fastmeter.Signer",
    .tp_doc = "Signer(key): the anonymous meter's MAC and decision under one BLAKE2b key.",
    .tp_basicsize = sizeof(Signer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Signer_init,
    .tp_methods = Signer_methods,
};

static struct PyModuleDef fastmeter_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "masthead.metering._fastmeter",
    .m_doc = "The anonymous meter's hot path in C (masthead.metering.meter is the definition).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__fastmeter(void) {
    if (PyType_Ready(&SignerType) < 0) return NULL;
    PyObject *module = PyModule_Create(&fastmeter_module);
    if (module == NULL) return NULL;
    if (PyModule_AddStringConstant(module, "__source_sha256__", MASTHEAD_SOURCE_SHA256) < 0 ||
        PyModule_AddObjectRef(module, "Signer", (PyObject *)&SignerType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
