import { createPinia } from 'pinia'
import { createApp } from 'vue'
import LabApp from './LabApp.vue'

createApp(LabApp).use(createPinia()).mount('#app')
