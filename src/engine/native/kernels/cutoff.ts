// Below this many elements an elementwise-style kernel stays in JavaScript: crossing into C++
// costs about 2 us, which is what the JS kernels need for arrays this small.
export const MIN_NATIVE_ELEMENTS = 512;
