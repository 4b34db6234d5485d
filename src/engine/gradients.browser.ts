// In a browser bundle, tfjs-core's ES modules load directly.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
