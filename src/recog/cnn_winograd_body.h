/* SPDX-License-Identifier: MIT */
/*
 * cnn_winograd_body.h - the Winograd input and output transforms of
 * cnn_winograd.c written once for a vector of WT_N floats: included there
 * once for 8-float vectors (built for the baseline, AVX2 and AVX-512) and
 * once for 16-float ones (AVX-512 only, for channel counts that are
 * multiples of 16: one zmm register per vector, half the instructions).
 * The includer defines WT_V (the float vector type), WT_VI (the int vector
 * of the same size), WT_N (its lanes), WT_LOAD/WT_STORE (unaligned loads
 * and stores) and WT_NAME(f) (the name of function f for this width);
 * struct wino_job, wino_leaky and wino_out_at come from the includer.
 * Not a header of its own: no include guard, every macro undefined at the end.
 */

/* The WT_N channels at c of input pixel (iy, ix) of input f, or zeros outside the map. */
#define WINO_PIXEL(v, job, in, inner, iy, ix, c)                                           \
    do {                                                                                   \
        if (!(inner) && ((iy) < 0 || (iy) >= (job)->h || (ix) < 0 || (ix) >= (job)->w))  \
            (v) = (WT_V){ 0 };                                                              \
        else                                                                               \
            WT_LOAD(v, (in)->data + ((size_t)(iy) * (size_t)(job)->w + (size_t)(ix)) *    \
                (size_t)(in)->c + (size_t)(c));                                            \
    } while (0)

/*
 * F(2x2): V[xi][t - t0][c] = (B^T d B)[xi] of the 4x4 input tile of every
 * tile t in [t0, t1).
 */
static inline __attribute__((always_inline)) void
WT_NAME(wino2_input_body)(const struct wino_job *job, int t0, int t1, float *V)
{
    int C = job->ins[0].c, t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        const struct cnn_tensor *in = &job->ins[t / job->T];
        int lt = t % job->T, y0 = 2 * (lt / job->tw) - 1, x0 = 2 * (lt % job->tw) - 1;
        bool inner = y0 >= 0 && x0 >= 0 && y0 + 4 <= job->h && x0 + 4 <= job->w;

        for (c = 0; c < C; c += WT_N) {
            WT_V d[4][4], b[4][4], v;

            for (r = 0; r < 4; r++)
                for (q = 0; q < 4; q++)
                    WINO_PIXEL(d[r][q], job, in, inner, y0 + r, x0 + q, c);
            for (q = 0; q < 4; q++) { /* B^T d */
                b[0][q] = d[0][q] - d[2][q];
                b[1][q] = d[1][q] + d[2][q];
                b[2][q] = d[2][q] - d[1][q];
                b[3][q] = d[1][q] - d[3][q];
            }
            for (r = 0; r < 4; r++) { /* (B^T d) B */
                float *base = V + (size_t)(r * 4) * plane + (size_t)(t - t0) * (size_t)C +
                    (size_t)c;

                v = b[r][0] - b[r][2];
                WT_STORE(base, v);
                v = b[r][1] + b[r][2];
                WT_STORE(base + plane, v);
                v = b[r][2] - b[r][1];
                WT_STORE(base + 2 * plane, v);
                v = b[r][1] - b[r][3];
                WT_STORE(base + 3 * plane, v);
            }
        }
    }
}

/* B^T of F(4x4, 3x3) applied to the six vectors d0..d5 (a column or a row of a tile). */
#define WINO4_BT(o, d0, d1, d2, d3, d4, d5)                                                \
    do {                                                                                   \
        WT_V p_ = (d4) - 4.0f * (d2), q_ = (d3) - 4.0f * (d1);                              \
        WT_V r_ = (d4) - (d2), s_ = 2.0f * ((d3) - (d1));                                   \
        (o)[0] = 4.0f * (d0) - 5.0f * (d2) + (d4);                                         \
        (o)[1] = p_ + q_;                                                                  \
        (o)[2] = p_ - q_;                                                                  \
        (o)[3] = r_ + s_;                                                                  \
        (o)[4] = r_ - s_;                                                                  \
        (o)[5] = 4.0f * (d1) - 5.0f * (d3) + (d5);                                         \
    } while (0)

/* F(4x4): the same on 6x6 input tiles, 36 planes. */
static inline __attribute__((always_inline)) void
WT_NAME(wino4_input_body)(const struct wino_job *job, int t0, int t1, float *V)
{
    int C = job->ins[0].c, t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        const struct cnn_tensor *in = &job->ins[t / job->T];
        int lt = t % job->T, y0 = 4 * (lt / job->tw) - 1, x0 = 4 * (lt % job->tw) - 1;
        bool inner = y0 >= 0 && x0 >= 0 && y0 + 6 <= job->h && x0 + 6 <= job->w;

        for (c = 0; c < C; c += WT_N) {
            WT_V d[6], b[6][6], v[6];

            for (q = 0; q < 6; q++) { /* B^T d, column by column */
                for (r = 0; r < 6; r++)
                    WINO_PIXEL(d[r], job, in, inner, y0 + r, x0 + q, c);
                WINO4_BT(v, d[0], d[1], d[2], d[3], d[4], d[5]);
                for (r = 0; r < 6; r++)
                    b[r][q] = v[r];
            }
            for (r = 0; r < 6; r++) { /* (B^T d) B, row by row */
                float *base = V + (size_t)(r * 6) * plane + (size_t)(t - t0) * (size_t)C +
                    (size_t)c;

                WINO4_BT(v, b[r][0], b[r][1], b[r][2], b[r][3], b[r][4], b[r][5]);
                for (q = 0; q < 6; q++)
                    WT_STORE(base + (size_t)q * plane, v[q]);
            }
        }
    }
}

/* WT_N channels of one output pixel through the epilogue e, stored at o (res may be o). */
static inline __attribute__((always_inline)) void
WT_NAME(wino_store)(float *o, WT_V y, const struct cnn_epilogue *e, const float *res, int c)
{
    WT_V t, u;
    int j;

    if (e->bias != NULL) {
        WT_LOAD(t, e->bias + c);
        y += t;
    }
    if (e->scale != NULL) {
        WT_LOAD(t, e->scale + c);
        WT_LOAD(u, e->shift + c);
        y = y * t + u;
    }
    if (res != NULL) {
        WT_LOAD(t, res);
        y += t;
    }
    switch (e->act) {
    case CNN_ACT_NONE:
        break;
    case CNN_ACT_RELU: /* x > 0 ? x : +0 (NaN and -0 give +0, as the scalar form) */
        y = (WT_V)((WT_VI)y & (WT_VI)(y > (WT_V){ 0 }));
        break;
    case CNN_ACT_RELU6:
        y = (WT_V)((WT_VI)y & (WT_VI)(y > (WT_V){ 0 }));
        u = (WT_V){ 0 } + 6.0f;
        y = (WT_V)(((WT_VI)y & (WT_VI)(y <= u)) | ((WT_VI)u & (WT_VI)(y > u)));
        break;
    case CNN_ACT_LEAKY:
        for (j = 0; j < WT_N; j++)
            y[j] = wino_leaky(y[j]);
        break;
    }
    WT_STORE(o, y);
}

/* y stored at output pixel (oy, ox) of input f through the epilogue, if inside the map. */
#define WINO_PUT(job, f, oy, ox, C, c, y)                                                  \
    do {                                                                                   \
        ptrdiff_t at_ = wino_out_at(job, oy, ox, C, c);                                    \
        if (at_ >= 0)                                                                      \
            WT_NAME(wino_store)((job)->outs[f] + at_, y, &(job)->e,                                 \
                (job)->res != NULL ? (job)->res[f] + at_ : NULL, c);                       \
    } while (0)

/* F(2x2): out = A^T m A of every tile in [t0, t1) (M laid out as V), epilogue fused. */
static inline __attribute__((always_inline)) void
WT_NAME(wino2_output_body)(const struct wino_job *job, const float *M, int t0, int t1, int C)
{
    int t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        int f = t / job->T, lt = t % job->T, oy = 2 * (lt / job->tw), ox = 2 * (lt % job->tw);

        for (c = 0; c < C; c += WT_N) {
            const float *base = M + (size_t)(t - t0) * (size_t)C + (size_t)c;
            WT_V s[2][4], m0, m1, m2, m3, y;

            for (q = 0; q < 4; q++) { /* A^T m, column by column */
                WT_LOAD(m0, base + (size_t)q * plane);
                WT_LOAD(m1, base + (size_t)(4 + q) * plane);
                WT_LOAD(m2, base + (size_t)(8 + q) * plane);
                WT_LOAD(m3, base + (size_t)(12 + q) * plane);
                s[0][q] = m0 + m1 + m2;
                s[1][q] = m1 - m2 - m3;
            }
            for (r = 0; r < 2; r++) {
                y = s[r][0] + s[r][1] + s[r][2];
                WINO_PUT(job, f, oy + r, ox, C, c, y);
                y = s[r][1] - s[r][2] - s[r][3];
                WINO_PUT(job, f, oy + r, ox + 1, C, c, y);
            }
        }
    }
}

/* A^T of F(4x4, 3x3) applied to the six vectors m0..m5. */
#define WINO4_AT(o, m0, m1, m2, m3, m4, m5)                                                \
    do {                                                                                   \
        WT_V a_ = (m1) + (m2), b_ = (m1) - (m2), c_ = (m3) + (m4), d_ = (m3) - (m4);       \
        (o)[0] = (m0) + a_ + c_;                                                           \
        (o)[1] = b_ + 2.0f * d_;                                                           \
        (o)[2] = a_ + 4.0f * c_;                                                           \
        (o)[3] = b_ + 8.0f * d_ + (m5);                                                    \
    } while (0)

/* F(4x4): the same on 36 planes, 4x4 output tiles. */
static inline __attribute__((always_inline)) void
WT_NAME(wino4_output_body)(const struct wino_job *job, const float *M, int t0, int t1, int C)
{
    int t, c, r, q;
    size_t plane = (size_t)(t1 - t0) * (size_t)C;

    for (t = t0; t < t1; t++) {
        int f = t / job->T, lt = t % job->T, oy = 4 * (lt / job->tw), ox = 4 * (lt % job->tw);

        for (c = 0; c < C; c += WT_N) {
            const float *base = M + (size_t)(t - t0) * (size_t)C + (size_t)c;
            WT_V m[6], s[4][6], y[4];

            for (q = 0; q < 6; q++) { /* A^T m, column by column */
                for (r = 0; r < 6; r++)
                    WT_LOAD(m[r], base + (size_t)(r * 6 + q) * plane);
                WINO4_AT(y, m[0], m[1], m[2], m[3], m[4], m[5]);
                for (r = 0; r < 4; r++)
                    s[r][q] = y[r];
            }
            for (r = 0; r < 4; r++) { /* (A^T m) A, row by row */
                WINO4_AT(y, s[r][0], s[r][1], s[r][2], s[r][3], s[r][4], s[r][5]);
                for (q = 0; q < 4; q++)
                    WINO_PUT(job, f, oy + r, ox + q, C, c, y[q]);
            }
        }
    }
}

#undef WINO_PIXEL
#undef WINO4_BT
#undef WINO_PUT
#undef WINO4_AT
